"""Error pages for people. A browser that navigates to a page the app does not have, with a
method it does not take, or that fails, gets the HTML error page (in the user's language, with
the header and navigation); API clients, htmx requests and anything that does not prefer HTML
keep the JSON error shape {"error": {"code", "message", "fields"}} of `app.http.errors`."""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.domain.texts import N_
from app.http.errors import handle_http_exception, handle_unexpected

log = logging.getLogger("qisu.web")
NOT_PAGES = ("/api/", "/open311/", "/vendor/", "/static/")
PAGE_NOT_FOUND = N_("页面不存在，请检查地址")
STALE_FORM = N_("页面已过期，请刷新后重新提交")


def wants_page() -> bool:
    """A browser navigation: not an API path, not htmx, and HTML preferred over JSON."""
    if request.path.startswith(NOT_PAGES) or request.path == "/api" or request.headers.get("HX-Request"):
        return False
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


def _page_or_json(json_handler):
    def handler(err):
        response, status = json_handler(err)  # logs an unexpected error once, as for the API
        if not wants_page():
            return response, status
        message = (response.get_json(silent=True) or {}).get("error", {}).get("message", "")
        if status == 404 and request.url_rule is None:  # no such address (not a record hidden from the user)
            message = PAGE_NOT_FOUND
        elif isinstance(err, CSRFError):  # a form from an old page (or from another site)
            message = STALE_FORM
        try:
            from .common import current_user
            actor = current_user()
        except Exception:  # noqa: BLE001 — the error page must render even if this fails
            log.warning("error page without the user", exc_info=True)
            actor = None
        page = render_template("error.html", actor=actor, message=message, status=status)
        headers = {k: v for k, v in response.headers.items() if k in ("Allow", "Retry-After")}
        return page, status, headers
    return handler


def init_page_errors(app: Flask) -> None:
    """Registered after the API's handlers, which these wrap (the same class replaces them)."""
    app.register_error_handler(HTTPException, _page_or_json(handle_http_exception))
    app.register_error_handler(Exception, _page_or_json(handle_unexpected))
