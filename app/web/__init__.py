"""Minimal server-rendered pages: log in, see my task list, open a case."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from app.domain.errors import DomainError
from app.domain.roles import ROLES
from app.domain.vocab import CASE_STATUSES
from app.services import auth, cases, tasks

bp = Blueprint("web", __name__, template_folder="templates")


def _rt():
    return current_app.extensions["qisu"]


def _actor():
    user_id = session.get("user_id")
    return auth.actor_by_id(_rt(), user_id) if user_id else None


@bp.app_context_processor
def _labels():
    return {"ROLES": ROLES, "CASE_STATUSES": CASE_STATUSES}


@bp.route("/")
def index():
    return redirect(url_for("web.task_list") if _actor() else url_for("web.login"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        try:
            actor = auth.check_credentials(_rt(), request.form.get("username", ""),
                                           request.form.get("password", ""))
        except DomainError as err:
            error = err.message
        else:
            session.clear()
            session["user_id"] = actor.id
            return redirect(url_for("web.task_list"))
    return render_template("login.html", error=error), 401 if error else 200


@bp.route("/logout", methods=["POST"])
def logout():
    session.clear()
    return redirect(url_for("web.login"))


@bp.route("/tasks")
def task_list():
    actor = _actor()
    if actor is None:
        return redirect(url_for("web.login"))
    page = tasks.list_tasks(_rt(), actor, per_page=100)
    return render_template("tasks.html", actor=actor, page=page)


@bp.route("/cases/<number>")
def case_view(number):
    actor = _actor()
    if actor is None:
        return redirect(url_for("web.login"))
    try:
        case = cases.get_case(_rt(), actor, number)
        trail = cases.history(_rt(), actor, number)
    except DomainError as err:
        return render_template("error.html", actor=actor, message=err.message), err.status
    return render_template("case.html", actor=actor, case=case, trail=trail)
