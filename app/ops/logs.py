"""Structured logs: one JSON object per line (python-json-logger), or plain text.

Every request gets an id, from the `X-Request-ID` header (when it is sane) or a new uuid4; it is
returned in the response's `X-Request-ID` header and added to every log line written while the
request runs. One access line per request carries method, path, endpoint, status and duration.
`QISU_LOG_FORMAT=json|text` (default json), `QISU_LOG_LEVEL` (default INFO).
"""
from __future__ import annotations

import logging
import os
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

access_log = logging.getLogger("qisu.request")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record written inside a request (else "-")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            rid = g.get("request_id") if has_request_context() else None
            record.request_id = rid or "-"
        return True


def make_handler(fmt: str, stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    if fmt == "text":
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    else:
        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_ensure_ascii=False))
    handler.addFilter(RequestIdFilter())
    handler._qisu = True  # type: ignore[attr-defined]
    return handler


def configure_logging(fmt: str | None = None, level: str | None = None, stream=None) -> None:
    """Install (or replace) QiSu's handler on the root logger."""
    fmt = (fmt or os.environ.get("QISU_LOG_FORMAT") or "json").lower()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_qisu", False)]:
        root.removeHandler(handler)
    root.addHandler(make_handler(fmt, stream))
    root.setLevel(level or os.environ.get("QISU_LOG_LEVEL", "INFO"))
    # SpiffWorkflow logs every task state change at INFO (thousands of lines per hundred cases);
    # the audit trail already records what matters. QISU_ENGINE_LOG_LEVEL=INFO brings them back.
    logging.getLogger("spiff").setLevel(os.environ.get("QISU_ENGINE_LOG_LEVEL", "WARNING"))
    # Alembic announces each of its plug-ins at INFO whenever a config is made (dozens of lines).
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def _start() -> None:
    supplied = request.headers.get("X-Request-ID", "")
    g.request_id = supplied if REQUEST_ID.match(supplied) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response):
    response.headers["X-Request-ID"] = g.get("request_id", "-")
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
    endpoint = request.endpoint or "unmatched"
    from .metrics_view import observe_request
    observe_request(endpoint, request.method, response.status_code, duration_ms)
    if endpoint not in ("ops.healthz", "ops.metrics"):  # probes would drown the log
        access_log.info("%s %s %s %sms", request.method, request.path, response.status_code,
                        duration_ms, extra={
                            "method": request.method, "path": request.path,
                            "endpoint": endpoint, "status": response.status_code,
                            "duration_ms": duration_ms, "remote_addr": request.remote_addr})
    return response


def init_app(app: Flask) -> None:
    if not app.config.get("QISU_KEEP_LOGGING"):
        configure_logging()
    app.before_request(_start)
    app.after_request(_finish)
