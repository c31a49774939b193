"""While the database is unreachable: 503 with the error shape (API) or a 503 page, never 500;
after PostgreSQL drops the pool's connections, the next request succeeds by itself."""
from __future__ import annotations

import socket

import pytest
from sqlalchemy import create_engine, text

from app import create_app


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the socket is


def _unreachable_apps(tmp_path):
    yield "sqlite", "sqlite:///" + str(tmp_path / "missing" / "qisu.db")
    yield "postgresql", f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/qisu"


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_api_and_pages_answer_503_while_the_database_is_unreachable(tmp_path, kind):
    url = dict(_unreachable_apps(tmp_path))[kind]
    app = create_app({"TESTING": True, "QISU_AUTO_DEPLOY": False, "DATABASE_URL": url,
                      "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    for method, path, kwargs in (
            ("post", "/api/auth/token", {"json": {"username": "agent1", "password": "x"}}),
            ("get", "/api/cases", {"headers": {"Authorization": "Bearer t"}}),
            ("get", "/readyz", {})):
        raw = getattr(client, method)(path, **kwargs)
        assert raw.status_code == 503, (path, raw.get_json())
        error = raw.get_json()["error"]
        assert error["code"] == "database_unavailable" and "数据库暂时无法连接" in error["message"]
    raw = client.post("/login", data={"username": "agent1", "password": "qisu-agent1"})
    assert raw.status_code == 503 and "服务暂不可用".encode() in raw.data
    assert raw.headers["Retry-After"]
    assert client.get("/healthz").status_code == 200  # the process itself is up
    raw = client.get("/open311/v2/requests.json", query_string={"api_key": "k"})
    assert raw.status_code == 503 and raw.get_json()[0]["code"] == 503  # the spec's error format


def test_the_pool_replaces_connections_the_server_terminated(app, api, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no server that could drop the pool's connections")
    agent = api.as_("agent1")
    assert agent.get("/api/units").status == 200  # the pool now holds open connections
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    admin.dispose()
    assert killed >= 1
    assert agent.get("/api/cases").status == 200
    assert api.submit()["number"]
