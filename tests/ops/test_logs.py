"""Structured logs: one JSON object per line, with the request id of the request."""
from __future__ import annotations

import io
import json
import logging

import pytest

from app import create_app
from app.ops.logs import configure_logging


@pytest.fixture
def log_lines():
    stream = io.StringIO()
    configure_logging("json", "INFO", stream=stream)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    lines.stream = stream
    yield lines
    configure_logging()


def test_each_request_writes_one_json_access_line_with_its_request_id(api, log_lines):
    raw = api.client.get("/api/units", headers={"Authorization": f"Bearer {api.token('agent1')}"})
    assert raw.status_code == 200
    request_id = raw.headers["X-Request-ID"]
    assert len(request_id) >= 16
    access = [line for line in log_lines() if line.get("logger") == "qisu.request"]
    assert access, log_lines()
    line = access[-1]
    assert line["request_id"] == request_id and line["method"] == "GET"
    assert line["path"] == "/api/units" and line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["level"] == "INFO"


def test_a_supplied_request_id_is_kept_and_in_every_line_of_the_request(tmp_path, log_lines):
    # A database that cannot be opened: the request logs an error, then its access line.
    app = create_app({"TESTING": True, "QISU_AUTO_DEPLOY": False,
                      "DATABASE_URL": "sqlite:///" + str(tmp_path / "missing" / "no.db")})
    configure_logging("json", "INFO", stream=log_lines.stream)  # create_app installed its own
    raw = app.test_client().get("/api/units", headers={"X-Request-ID": "req-42.abc",
                                                       "Authorization": "Bearer x"})
    assert raw.status_code == 503 and raw.headers["X-Request-ID"] == "req-42.abc"
    mine = [line for line in log_lines() if line.get("request_id") == "req-42.abc"]
    assert {line["logger"] for line in mine} == {"qisu.db", "qisu.request"}
    assert next(line for line in mine if line["logger"] == "qisu.db")["level"] == "ERROR"


def test_an_unsafe_request_id_is_replaced(app, log_lines):
    raw = app.test_client().get("/healthz", headers={"X-Request-ID": "bad id <script>"})
    assert raw.headers["X-Request-ID"] != "bad id <script>"
    assert all(c.isalnum() for c in raw.headers["X-Request-ID"])


def test_error_responses_carry_the_request_id_header(api):
    raw = api.client.get("/api/cases/NOPE", headers={"Authorization": f"Bearer {api.token('agent1')}"})
    assert raw.status_code == 404 and raw.headers["X-Request-ID"]


def test_text_format_is_available(api):
    stream = io.StringIO()
    configure_logging("text", "INFO", stream=stream)
    try:
        raw = api.client.get("/healthz", headers={"X-Request-ID": "txt-1"})
        logging.getLogger("qisu.test").info("plain")
    finally:
        configure_logging()
    assert raw.status_code == 200
    assert "plain" in stream.getvalue() and not stream.getvalue().lstrip().startswith("{")


def test_engine_state_changes_stay_out_of_the_info_log(api, log_lines):
    """SpiffWorkflow's per-task INFO lines are quiet by default; the request still logs."""
    api.submit()
    lines = log_lines()
    assert any(line.get("logger") == "qisu.request" for line in lines)
    assert not [line for line in lines if line.get("logger", "").startswith("spiff")]


def test_engine_log_level_is_configurable(monkeypatch, log_lines):
    monkeypatch.setenv("QISU_ENGINE_LOG_LEVEL", "INFO")
    configure_logging("json", "INFO", stream=log_lines.stream)
    assert logging.getLogger("spiff.task").getEffectiveLevel() == logging.INFO
