"""Case view: summary, clocks, history."""
from __future__ import annotations

from flask import render_template

from app.domain.errors import DomainError
from app.services import cases

from . import bp
from .common import page, rt


@bp.route("/cases/<number>")
@page()
def case_view(actor, number):
    try:
        case = cases.get_case(rt(), actor, number)
        trail = cases.history(rt(), actor, number)
    except DomainError as err:
        return render_template("error.html", message=err.message), err.status
    return render_template("case.html", case=case, trail=trail)
