"""Shared by the benchmarks: a free port, waiting for `/readyz`, bearer tokens of the seeded demo
users (load, crash, db_restart), and a benchmark's own PostgreSQL database (load, crash,
insight_queries, signals_bench)."""
from __future__ import annotations

import socket
import time
from typing import Callable

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(base: str, timeout: float, exited: Callable[[], bool] = lambda: False,
               also: Callable[[], bool] = lambda: True) -> bool:
    """Poll `/readyz` until it answers 200 and `also()` holds. False when `exited()` says a
    process died or `timeout` seconds passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if exited():
            return False
        try:
            if requests.get(base + "/readyz", timeout=5).status_code == 200 and also():
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return False


def login(base: str, users: tuple[str, ...], timeout: float = 60) -> dict[str, str]:
    """{username: bearer token} of seeded users (password `qisu-<username>`)."""
    tokens = {}
    for user in users:
        raw = requests.post(f"{base}/api/auth/token", timeout=timeout,
                            json={"username": user, "password": f"qisu-{user}"})
        raw.raise_for_status()
        tokens[user] = raw.json()["token"]
    return tokens


def admin_engine(server: str):
    """An autocommit engine on ``server`` (for CREATE / DROP / COMMENT ON DATABASE); dispose it."""
    from sqlalchemy import create_engine
    return create_engine(server, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})


def database_url(server: str, name: str) -> str:
    """The URL of database ``name`` on the server of ``server``."""
    from sqlalchemy import make_url
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def pg_database(server: str, name: str, fresh: bool = True) -> str:
    """The URL of database ``name`` on the PostgreSQL server of ``server`` (a SQLAlchemy URL of any
    database there): dropped and created again when ``fresh``, else created only if missing."""
    from sqlalchemy import text
    admin = admin_engine(server)
    try:
        with admin.connect() as conn:
            if fresh:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return database_url(server, name)


def drop_pg_database(server: str, name: str) -> None:
    from sqlalchemy import text
    admin = admin_engine(server)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
