"""Running in production: health and readiness, metrics, JSON logs with request ids, security
headers, login rate limiting and the 503 answer while the database is unreachable."""
from __future__ import annotations

from flask import Flask


def init_ops(app: Flask) -> None:
    from app.http import login_limit

    from . import bad_bytes, db_errors, health, logs, security
    logs.init_app(app)
    security.init_app(app)
    login_limit.init_app(app)
    db_errors.init_app(app)
    bad_bytes.init_app(app)
    app.register_blueprint(health.bp)
