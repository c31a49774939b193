"""Issue 17 §6: HTTPS behind a proxy (Secure cookies, HSTS, trusted hops), `/metrics` closed to
strangers, `bin/serve-prod` always protecting `/metrics` with a token, `/api/docs` without
'unsafe-inline'."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from app import create_app
from tests.support import csrf

ROOT = Path(__file__).resolve().parents[2]
PROXIED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "qisu.example.gov.cn"}


def _app(database_url, **config):
    return create_app({"TESTING": True, "QISU_AUTO_DEPLOY": False, "DATABASE_URL": database_url,
                       "SECRET_KEY": "t"} | config)


@pytest.fixture(scope="module")
def https_app(app, database_url):  # `app` first: the session database is migrated and seeded
    return _app(database_url, QISU_SECURE_COOKIES=True, QISU_TRUSTED_PROXIES=1,
                QISU_HSTS_SECONDS=600)


def test_behind_an_https_proxy_cookies_are_secure_and_hsts_is_sent(https_app):
    client = https_app.test_client()
    page = client.get("/login", headers=PROXIED | {"X-Forwarded-For": "203.0.113.7"})
    assert page.headers["Strict-Transport-Security"] == "max-age=600; includeSubDomains"
    raw = client.post("/login", data={"username": "agent1", "password": "qisu-agent1",
                                      "csrf_token": csrf(client)},
                      headers=PROXIED | {"Referer": "https://qisu.example.gov.cn/login"})
    assert raw.status_code == 302, raw.get_data(as_text=True)[:300]
    cookie = raw.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_only_the_trusted_hops_count_as_the_client_address(https_app):
    """QISU_TRUSTED_PROXIES=1: the proxy's own X-Forwarded-For entry is the client; whatever the
    client put before it is not believed (login failures count per address)."""
    client = https_app.test_client()
    user = f"nobody-{uuid.uuid4().hex[:8]}"
    for spoofed in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        raw = client.post("/api/auth/token", json={"username": user, "password": "x"},
                          headers=PROXIED | {"X-Forwarded-For": f"{spoofed}, 198.51.100.4"})
        assert raw.status_code == 401
    raw = client.post("/api/auth/token", json={"username": user, "password": "x"},
                      headers=PROXIED | {"X-Forwarded-For": "6.6.6.6, 198.51.100.4"})
    assert raw.status_code == 429
    raw = client.post("/api/auth/token", json={"username": user, "password": "x"},
                      headers=PROXIED | {"X-Forwarded-For": "198.51.100.5"})
    assert raw.status_code == 401


def test_plain_http_set_up_sends_no_hsts_and_hsts_can_be_turned_off(app, database_url):
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers
    quiet = _app(database_url, QISU_SECURE_COOKIES=True, QISU_HSTS_SECONDS=0)
    assert "Strict-Transport-Security" not in quiet.test_client().get("/healthz").headers


def test_metrics_without_a_token_answer_only_this_machine(app, monkeypatch):
    monkeypatch.setitem(app.config, "QISU_METRICS_TOKEN", None)
    client = app.test_client()
    assert client.get("/metrics").status_code == 200  # 127.0.0.1
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    raw = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert raw.status_code == 403 and raw.get_json()["error"]["code"] == "forbidden"
    assert b"qisu_" not in raw.data


def test_metrics_through_a_trusted_proxy_need_the_token(https_app, monkeypatch):
    client = https_app.test_client()
    outside = PROXIED | {"X-Forwarded-For": "203.0.113.7"}
    monkeypatch.setitem(https_app.config, "QISU_METRICS_TOKEN", None)
    assert client.get("/metrics", headers=outside).status_code == 403
    monkeypatch.setitem(https_app.config, "QISU_METRICS_TOKEN", "s3cret")
    assert client.get("/metrics", headers=outside).status_code == 401
    ok = client.get("/metrics", headers=outside | {"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200 and b"qisu_database_up" in ok.data


def _fake_venv(tmp_path: Path) -> Path:
    """flask and gunicorn stand-ins that record the token they were started with. serve-prod stops
    all when one ends, so the worker and gunicorn stand-ins each end only once the other one has
    recorded its start (or after 10 s)."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    record = tmp_path / "seen"
    wait_for = 'for i in $(seq 200); do grep -q "{0}" "{1}" && break; sleep 0.05; done\n'
    flask = f'case "$*" in *worker*) {wait_for.format("gunicorn", record).strip()};; esac\n'
    for name, after in (("flask", flask), ("gunicorn", wait_for.format("qisu worker", record))):
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\necho "{name} $*|$QISU_METRICS_TOKEN" >> "{record}"\n' + after)
        script.chmod(0o755)
    (bin_dir / "python").symlink_to(sys.executable)
    return tmp_path / "venv"


def _serve_prod(tmp_path: Path, **env) -> list[str]:
    venv = _fake_venv(tmp_path) if not (tmp_path / "venv").exists() else tmp_path / "venv"
    (tmp_path / "seen").unlink(missing_ok=True)
    base = {k: v for k, v in os.environ.items() if not k.startswith("QISU_")}
    # serve-prod ends (status 1) when one of its processes ends: here, all of them at once.
    subprocess.run([str(ROOT / "bin" / "serve-prod")], capture_output=True, text=True, timeout=60,
                   env=base | {"VENV": str(venv), "DATABASE_URL": "sqlite://", "SECRET_KEY": "x",
                               "QISU_WORKERS": "1"} | env)
    return sorted((tmp_path / "seen").read_text().splitlines())


def test_serve_prod_always_starts_with_a_metrics_token(tmp_path):
    token_file = tmp_path / "secrets" / "metrics-token"
    lines = _serve_prod(tmp_path, QISU_METRICS_TOKEN_FILE=str(token_file))
    token = token_file.read_text().strip()
    assert len(token) >= 32 and stat.S_IMODE(token_file.stat().st_mode) == 0o600
    gunicorn = [line for line in lines if line.startswith("gunicorn")]
    assert gunicorn and all(line.endswith(f"|{token}") for line in lines), lines
    # The next start keeps the same token (the scraper's configuration stays valid) ...
    assert _serve_prod(tmp_path, QISU_METRICS_TOKEN_FILE=str(token_file)) == lines
    # ... and a token given in the environment wins.
    lines = _serve_prod(tmp_path, QISU_METRICS_TOKEN_FILE=str(token_file),
                        QISU_METRICS_TOKEN="given")
    assert all(line.endswith("|given") for line in lines)


def test_api_docs_run_without_unsafe_inline(app):
    raw = app.test_client().get("/api/docs")
    assert raw.status_code == 200
    script_src = raw.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert "'unsafe-inline'" not in script_src
    html = raw.get_data(as_text=True)
    assert "js/api_docs.js" in html and 'data-spec-url="/api/openapi.json"' in html
    assert "<script>" not in html
