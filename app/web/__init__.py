"""Minimal server-rendered pages: log in, see my task list, open a case."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from app.domain.errors import DomainError
from app.domain.roles import ROLES
from app.domain.vocab import CASE_STATUSES
from app.services import auth, cases, supervision, tasks

bp = Blueprint("web", __name__, template_folder="templates")


def _rt():
    return current_app.extensions["qisu"]


def _actor():
    user_id = session.get("user_id")
    return auth.actor_by_id(_rt(), user_id) if user_id else None


@bp.app_context_processor
def _labels():
    return {"ROLES": ROLES, "CASE_STATUSES": CASE_STATUSES}


@bp.app_template_filter("time_left")
def time_left(seconds):
    """'剩余 3小时5分' / '超期 2天1小时'."""
    if seconds is None:
        return "—"
    prefix = "剩余 " if seconds >= 0 else "超期 "
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{days}天" if days else "", f"{hours}小时" if hours else "",
             f"{minutes}分" if minutes and not days else ""]
    return prefix + ("".join(parts) or "不足1分")


@bp.route("/supervision", endpoint="supervision")
def supervision_page():
    actor = _actor()
    if actor is None:
        return redirect(url_for("web.login"))
    if actor.role not in ("supervisor", "leader", "admin"):
        return render_template("error.html", actor=actor, message="无权访问督办页面"), 403
    rt = _rt()
    return render_template("supervision.html", actor=actor, overdue=supervision.overdue(rt),
                           due_soon=supervision.due_soon(rt), dissatisfied=supervision.dissatisfied(rt),
                           watch=supervision.watch_list(rt))


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
