"""Scale-out as in production: gunicorn with 3 processes and 2 `flask qisu worker` processes
against one private PostgreSQL database, driven over real HTTP (PostgreSQL only)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, func, make_url, select, text

from app.db.models import OutboxMessage
from app.demo.data import ENTERPRISES

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not PG.startswith("postgresql"),
    reason="scale-out needs PostgreSQL (several processes on one database); set DATABASE_URL")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def private_pg():
    base = make_url(PG)
    name = f"qisu_scale_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Http:
    def __init__(self, base: str):
        self.base = base

    def call(self, method: str, path: str, body=None, token=None, headers=None, timeout=60):
        request = urllib.request.Request(self.base + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read(), response.headers
        except urllib.error.HTTPError as err:
            return err.code, err.read(), err.headers

    def json(self, method, path, body=None, token=None, headers=None):
        status, raw, hdrs = self.call(method, path, body, token, headers)
        return status, json.loads(raw or b"null"), hdrs

    def token(self, username: str) -> str:
        status, body, _ = self.json("POST", "/api/auth/token",
                                    {"username": username, "password": f"qisu-{username}"})
        assert status == 201, body
        return body["token"]

    def wait_ready(self, seconds: float = 240) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if self.call("GET", "/readyz", timeout=5)[0] == 200:
                    return
            except OSError:  # not listening yet, or no worker booted yet
                pass
            time.sleep(0.3)
        raise AssertionError("gunicorn did not become ready")


def _metrics(http: Http) -> dict:
    status, raw, _ = http.call("GET", "/metrics")
    assert status == 200
    out: dict = {}
    for family in text_string_to_metric_families(raw.decode()):
        for sample in family.samples:
            key = (sample.name, tuple(sorted(sample.labels.items())))
            out[key] = out.get(key, 0) + sample.value
    return out


def _flask(env, *args):
    result = subprocess.run([str(BIN / "flask"), "qisu", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]


def _wait_for(predicate, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_gunicorn_and_workers_serve_one_database(private_pg, tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QISU_", "PROMETHEUS_"))}
    env.update({"FLASK_APP": "app", "DATABASE_URL": private_pg, "SECRET_KEY": "scale-out-test",
                "QISU_LOG_FORMAT": "json", "QISU_TIMER_POLL_SECONDS": "0.3"})
    _flask(env, "migrate")
    _flask(env, "seed")
    _flask(env, "deploy")
    env["QISU_AUTO_DEPLOY"] = "0"  # deployed once above, not by each process at start
    web_env = env | {"QISU_BIND": f"127.0.0.1:{port}", "QISU_WEB_WORKERS": "3",
                     "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom")}
    web_log = open(tmp_path / "gunicorn.log", "w")
    processes = [subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "app:create_app()"],
                                  cwd=ROOT, env=web_env, stdout=web_log, stderr=subprocess.STDOUT)]
    for _ in range(2):
        processes.append(subprocess.Popen([str(BIN / "flask"), "qisu", "worker"], cwd=ROOT, env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    try:
        http = Http(f"http://127.0.0.1:{port}")
        try:
            http.wait_ready()
        except AssertionError:
            web_log.flush()
            raise AssertionError((tmp_path / "gunicorn.log").read_text()[-3000:]) from None
        assert http.json("GET", "/healthz")[1] == {"status": "ok"}
        assert http.json("GET", "/readyz")[1]["status"] == "ready"

        agent, dispatcher = http.token("agent1"), http.token("dispatcher1")
        status, case, _ = http.json("POST", "/api/cases", {
            "kind": "投诉", "description": "厂区门口绿化带影响车辆进出,请求协调移植",
            "credit_code": ENTERPRISES[1]["credit_code"], "domain": "城市管理"}, agent,
            {"Idempotency-Key": "scale-intake-1"})
        assert status == 201, case
        number = case["number"]
        status, tasks, _ = http.json("GET", f"/api/tasks?case_number={number}&name=dispatch",
                                     token=dispatcher)
        task_id = tasks["items"][0]["id"]
        complete = {"data": {"unit_code": "cgj", "override_reason": "派单员判断"}}
        first = http.json("POST", f"/api/tasks/{task_id}/complete", complete, dispatcher,
                          {"Idempotency-Key": "scale-dispatch-1"})
        again = http.json("POST", f"/api/tasks/{task_id}/complete", complete, dispatcher,
                          {"Idempotency-Key": "scale-dispatch-1"})
        assert first[0] == again[0] == 200 and first[1] == again[1]
        assert again[2]["Idempotent-Replayed"] == "true"
        assert http.json("GET", f"/api/cases/{number}", token=agent)[1]["status"] == "signing"

        # A worker process delivers the intake's SMS acknowledgement from the outbox.
        engine = create_engine(private_pg)
        with engine.connect() as conn:
            def delivered():
                return conn.execute(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.sent_at.is_not(None))).scalar() >= 1
            assert _wait_for(delivered), "no worker delivered the outbox"
        engine.dispose()

        # Metrics are summed over the gunicorn processes (multi-process mode).
        for _ in range(12):
            http.call("GET", "/healthz")
        metrics = _metrics(http)
        assert metrics[("qisu_tasks_completed_total", (("task", "dispatch"),))] == 1
        intake = ("qisu_http_request_duration_seconds_count",
                  (("endpoint", "cases.Cases"), ("method", "POST"), ("status", "201")))
        assert metrics[intake] == 1
        health = ("qisu_http_request_duration_seconds_count",
                  (("endpoint", "ops.healthz"), ("method", "GET"), ("status", "200")))
        assert metrics[health] >= 13
        assert metrics[("qisu_cases_open", (("status", "signing"),))] == 1
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        web_log.close()
    lines = [json.loads(line) for line in (tmp_path / "gunicorn.log").read_text().splitlines()
             if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "qisu.request"]
    assert any(line["path"] == "/api/cases" and line["status"] == 201 and line["request_id"] != "-"
               for line in access)
