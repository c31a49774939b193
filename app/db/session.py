"""Engine and session factory, configured for SQLite (embedded) or PostgreSQL (scale-out)."""
from __future__ import annotations

import os

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import sessionmaker


def is_unavailable(err: BaseException) -> bool:
    """A lost or refused database connection (not a constraint or a syntax error): the
    entry points answer 503 and the worker waits, until the pool reconnects."""
    if isinstance(err, (OperationalError, InterfaceError)):
        return True
    return isinstance(err, DBAPIError) and bool(err.connection_invalidated)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    # pool_pre_ping: a connection the server closed (restart, admin shutdown) is noticed at
    # checkout and replaced, so the pool recovers by itself after PostgreSQL comes back.
    # connect_timeout: while the server is down, requests fail fast (503) instead of hanging.
    return create_engine(url, pool_pre_ping=True, pool_size=_int("QISU_DB_POOL_SIZE", 10),
                         max_overflow=_int("QISU_DB_MAX_OVERFLOW", 20),
                         connect_args={"connect_timeout": _int("QISU_DB_CONNECT_TIMEOUT", 5)})


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False)
