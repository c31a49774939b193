"""`/healthz`: the process is up (no database). `/readyz`: the database answers and its schema
is at the newest migration of `migrations/`, so a load balancer may send traffic here."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from app.http.errors import error_response
from app.db.migrations import head_revision

from .metrics_view import metrics

bp = Blueprint("ops", __name__)
bp.add_url_rule("/metrics", "metrics", metrics)


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    engine = current_app.extensions["qisu"].session_factory.kw["bind"]
    head = head_revision()
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as err:  # unreachable, or never migrated (no alembic_version table)
        current_app.logger.warning("readiness check failed: %s", err.__class__.__name__)
        if "alembic_version" in str(err):
            return _not_ready("schema_not_migrated", "数据库尚未迁移,请运行 flask qisu migrate",
                              head, None)
        return error_response(503, "database_unavailable", "数据库暂时无法连接,请稍后重试")
    if current != head:
        return _not_ready("schema_not_at_head",
                          f"数据库结构版本为 {current},应为 {head},请运行 flask qisu migrate",
                          head, current)
    return jsonify({"status": "ready", "database": "ok", "migration": current})


def _not_ready(code: str, message: str, head: str, current: str | None):
    return error_response(503, code, message, {"migration": [f"current={current} head={head}"]})
