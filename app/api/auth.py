"""Bearer tokens for the API (and the page session, for the browser)."""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, request, session
from flask.views import MethodView
from flask_smorest import Blueprint

from app.domain.errors import Forbidden, Unauthorized, ValidationFailed
from app.domain.texts import msg
from app.services import auth as auth_service

from .schemas import PasswordIn, TokenIn, TokenOut, UserOut

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="登录与令牌 (Authentication)")


def runtime():
    return current_app.extensions["qisu"]


def current_actor():
    if "actor" in g:
        return g.actor
    token = _bearer()
    if token is not None:
        g.actor = auth_service.actor_for_token(runtime(), token)
        return g.actor
    actor = auth_service.actor_for_session(runtime(), session.get("sid"))
    if actor is not None:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            _check_csrf()  # the browser sends the session cookie by itself
        g.actor = actor
        return actor
    raise Unauthorized()


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def _check_csrf() -> None:
    from flask_wtf.csrf import CSRFError, validate_csrf
    try:
        validate_csrf(request.headers.get("X-CSRFToken"))
    except (CSRFError, Exception) as err:  # ValidationError from wtforms
        raise Forbidden(msg("auth.csrf", "缺少或无效的 CSRF 令牌")) from err


def login_required(*roles: str):
    """Require an authenticated user, optionally with one of `roles`."""
    def decorator(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            actor = current_actor()
            if roles and actor.role not in roles:
                raise Forbidden()
            return fn(*args, **kwargs)
        wrapper.qisu_login = ("api", roles)  # read by app.ops.bad_bytes_answer
        return wrapper
    return decorator


@blp.route("/token")
class Token(MethodView):
    @blp.arguments(TokenIn)
    @blp.response(201, TokenOut)
    @blp.alt_response(429, description="登录失败次数过多")
    def post(self, body):
        """Exchange username and password for a bearer token (登录获取令牌), valid for
        `QISU_TOKEN_TTL_HOURS` (default 12) until `POST /api/auth/logout` ends it. After
        `QISU_LOGIN_MAX_FAILURES` failures for a username from one address within
        `QISU_LOGIN_WINDOW_MINUTES`, answers 429 until the window moves on."""
        from app.http.login_limit import guarded_login
        return guarded_login(lambda username, password: auth_service.issue_token(
            runtime(), username, password), body["username"], body["password"])


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, UserOut)
    @blp.doc(security=[{"bearerAuth": []}])
    @login_required()
    def get(self):
        """The authenticated user (当前用户)."""
        return auth_service.describe_actor(current_actor())


@blp.route("/logout")
class Logout(MethodView):
    @blp.response(204)
    @blp.doc(security=[{"bearerAuth": []}])
    @login_required()
    def post(self):
        """End the presented bearer token, or the browser session (退出登录): replaying it
        afterwards answers 401, in every process. A password change, a disabled user or
        `flask qisu user revoke-sessions` ends all of a user's tokens and sessions."""
        token = _bearer()
        auth_service.revoke(runtime(), token if token is not None else session.get("sid"))
        if token is None:
            session.clear()
        return None


@blp.route("/password")
class Password(MethodView):
    @login_required()  # outermost: authentication before validation (401 without field details)
    @blp.arguments(PasswordIn)
    @blp.response(204)
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, body):
        """Change one's own password (修改密码): every other token and session of the user ends
        at once; the one presented stays. A wrong current password counts as a failed login
        (`QISU_LOGIN_MAX_FAILURES`) and answers 422 at `current_password`."""
        from app.http.login_limit import guarded_login
        actor = current_actor()
        try:
            guarded_login(lambda username, password: auth_service.check_credentials(
                runtime(), username, password), actor.username, body["current_password"])
        except Unauthorized:
            raise ValidationFailed(fields={"current_password": [msg("auth.wrong_password", "当前密码不正确")]}) from None
        token = _bearer()
        auth_service.set_password(runtime(), actor.username, body["new_password"],
                                  keep=token if token is not None else session.get("sid"),
                                  field="new_password")
        return None
