"""Supervisor's page: overdue, soon overdue, dissatisfied, red-list watch list."""
from __future__ import annotations

from flask import Blueprint, render_template

from app.services import supervision
from app.services.signals import surges

from .common import page, rt

bp = Blueprint("supervision", __name__)


@bp.route("/supervision", endpoint="supervision")
@page("supervisor", "leader", "admin")
def supervision_page(actor):
    runtime = rt()
    return render_template("supervision/supervision.html", overdue=supervision.overdue(runtime),
                           due_soon=supervision.due_soon(runtime),
                           dissatisfied=supervision.dissatisfied(runtime),
                           watch=supervision.watch_list(runtime),
                           surge_alerts=surges.list_alerts(runtime, "open"),
                           can_ack=actor.role in ("supervisor", "admin"))
