"""Task list (all roles)."""
from __future__ import annotations

from flask import render_template

from app.services import tasks

from . import bp
from .common import page, rt


@bp.route("/tasks")
@page()
def task_list(actor):
    result = tasks.list_tasks(rt(), actor, per_page=100)
    return render_template("tasks.html", page=result)
