"""Log in and out, choose the language, land on the home page of one's role."""
from __future__ import annotations

from flask import Blueprint, current_app, make_response, redirect, render_template, request, session, url_for

from app.domain.errors import DomainError, TooManyRequests, ValidationFailed
from app.http.login_limit import guarded_login
from app.services import auth, tasks

from .common import current_user, page, rt
from app.i18n import LANGUAGES, gettext

bp = Blueprint("auth", __name__)

# Where each role's work is: units and dispatchers work their 待办 (the default).
HOME = {"agent": "web.intake.intake", "enterprise": "web.enterprise.my_cases",
        "designer": "web.designer.designer", "supervisor": "web.supervision.supervision",
        "analyst": "web.insight.insight", "leader": "web.insight.insight",
        "admin": "web.supervision.supervision"}
# Roles whose 待办 is usually empty: they land there only when it holds something (领导批示).
TASKS_WHEN_ANY = frozenset({"leader"})


def home_for(actor) -> str:
    endpoint = HOME.get(actor.role, "web.tasks.task_list")
    if actor.role in TASKS_WHEN_ANY and tasks.list_tasks(rt(), actor, per_page=1)["total"]:
        endpoint = "web.tasks.task_list"
    return url_for(endpoint if endpoint in current_app.view_functions else "web.tasks.task_list")


@bp.route("/")
def index():
    actor = current_user()
    return redirect(home_for(actor) if actor else url_for("web.auth.login"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, status, headers = None, 200, {}
    if request.method == "POST":
        try:
            actor = guarded_login(lambda username, password: auth.check_credentials(
                rt(), username, password), request.form.get("username", ""),
                request.form.get("password", ""))
        except TooManyRequests as err:
            error, status, headers = gettext("登录失败次数过多，请稍后再试"), 429, err.headers
        except DomainError:
            error, status = gettext("用户名或密码错误"), 401
        else:
            session.clear()  # a fresh session (no fixation); its server-side row can be revoked
            session["sid"] = auth.open_web_session(rt(), actor)
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/") and not target.startswith("//")
                            else home_for(actor))
    username = (request.form.get("username") or "")[:64] if request.method == "POST" else ""
    return render_template("auth/login.html", error=error, username=username), status, headers


@bp.route("/logout", methods=["POST"])
def logout():
    auth.revoke(rt(), session.get("sid"))  # ends the session for good, not just this cookie
    session.clear()
    return redirect(url_for("web.auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@page()
def account_password(actor):
    """Change one's own password: the other sessions and tokens end, this session stays."""
    errors, status = {}, 200
    if request.method == "POST":
        form = request.form
        if form.get("new_password", "") != form.get("confirm_password", ""):
            errors["confirm_password"] = ["两次输入的新密码不一致"]
        try:
            guarded_login(lambda username, password: auth.check_credentials(rt(), username, password),
                          actor.username, form.get("current_password", ""))
        except TooManyRequests as err:
            return render_template("auth/account_password.html", actor=actor, errors={}, done=False,
                                   error=gettext("登录失败次数过多，请稍后再试")), 429, err.headers
        except DomainError:
            errors["current_password"] = ["当前密码不正确"]
        if not errors:
            try:
                auth.set_password(rt(), actor.username, form.get("new_password", ""),
                                  keep=session.get("sid"), field="new_password")
            except ValidationFailed as err:
                errors = err.fields
            else:
                return render_template("auth/account_password.html", actor=actor, errors={},
                                       error=None, done=True)
        status = 422
    return render_template("auth/account_password.html", actor=actor, errors=errors, error=None,
                           done=False), status


@bp.route("/lang/<code>")
def set_language(code: str):
    target = request.referrer or url_for("web.auth.index")
    response = make_response(redirect(target))
    if code in LANGUAGES:
        response.set_cookie("lang", code, max_age=365 * 86400, samesite="Lax", httponly=True,
                            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response
