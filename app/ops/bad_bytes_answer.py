"""Who answers a request with bad bytes, and in which shape (see `bad_bytes`).

Views mark whom they admit: `app.api.auth.login_required` and `app.web.common.page` set
`qisu_login = (kind, roles)` on the view (functools.wraps carries it through the other
decorators). A request such a view would refuse for its user (anonymous, wrong role) is left
to the view, so that 401/403/the login page come before any field detail.
"""
from __future__ import annotations

from flask import current_app, render_template, request

OPEN311_PUBLIC = {"open311.services", "open311.service_definition", "open311.fallback"}
CODES = {400: "bad_request", 422: "validation_failed"}
FIELDS_MESSAGE = "{message}（{fields}）"


def _view_function():
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    if view_class is not None:  # a MethodView: the method's function carries the marks
        method = "get" if request.method == "HEAD" else request.method.lower()
        return getattr(view_class, method, None)
    return view


def left_to_the_view() -> bool:
    """Whether the view refuses this request's user itself (it then answers, not us)."""
    if request.path.startswith("/open311/"):
        return _open311_client_refused()
    login = getattr(_view_function(), "qisu_login", None)
    if login is None:
        return False
    kind, roles = login
    actor = _api_actor() if kind == "api" else _page_actor()
    return actor is None or bool(roles) and actor.role not in roles


def _api_actor():
    from app.api.auth import current_actor
    from app.domain.errors import Forbidden, Unauthorized
    try:
        return current_actor()
    except (Unauthorized, Forbidden):
        return None


def _page_actor():
    from app.web.common import current_user
    return current_user()


def _open311_client_refused() -> bool:
    """Open311 requests other than the service list need the app's api_key: a missing or unknown
    key answers 403 (raised here, in the GeoReport format) before the parameters are judged."""
    if request.endpoint in OPEN311_PUBLIC or request.endpoint is None:
        return False
    from app.open311.views import client
    client()
    return False


def answer(status: int, message: str, fields: dict[str, list[str]]):
    if request.path.startswith("/open311/"):
        from app.open311.errors import Open311Error, respond
        return respond(Open311Error(400, *(f"{name}: {msg}" for name, msgs in fields.items()
                                           for msg in msgs)))
    from app.web.errors import wants_page
    if wants_page():
        return _page(status, message, fields)
    from app.http.errors import error_response
    return error_response(status, CODES[status], message, fields)


def _page(status: int, message: str, fields: dict[str, list[str]]):
    from app.web.common import current_user
    try:
        actor = current_user()
    except Exception:  # noqa: BLE001 — the error page renders without the user
        actor = None
    from app.i18n import gettext
    names = "、".join(name for name in fields if name != "_")
    text = gettext(FIELDS_MESSAGE).format(message=gettext(message), fields=names) if names \
        else gettext(message)
    return render_template("error.html", actor=actor, message=text, status=status), status
