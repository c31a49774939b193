"""While the database is unreachable, answer 503 (never 500); the pool recovers by itself
(`pool_pre_ping`) once the server is back."""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from sqlalchemy.exc import DBAPIError

from app.db.session import is_unavailable
from app.http.errors import DB_UNAVAILABLE, error_response, handle_unexpected

log = logging.getLogger("qisu.db")


def handle(err: DBAPIError):
    if not is_unavailable(err):
        return handle_unexpected(err)
    log.error("database unavailable: %s", str(err.orig or err).splitlines()[0][:300])
    headers = {"Retry-After": "5"}
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        response, status = error_response(503, *DB_UNAVAILABLE)
        response.headers.update(headers)
        return response, status
    from flask import g
    g.page_user = None  # the pages' context processor must not ask the database again
    return render_template("unavailable.html"), 503, headers


def init_app(app: Flask) -> None:
    app.register_error_handler(DBAPIError, handle)
