"""Failed logins counted in the database (the login throttle's shared store without Redis):
one row per failure, keyed by username and client address; times from the runtime's clock."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from app.db.models import LoginFailure

from .runtime import Runtime


def recent(rt: Runtime, key: str, window: timedelta) -> tuple[int, datetime | None]:
    """How many failures `key` had within `window` up to now, and when the oldest of them was."""
    since = rt.clock.now() - window
    with rt.uow() as uow:
        count, oldest = uow.session.execute(
            select(func.count(), func.min(LoginFailure.at))
            .where(LoginFailure.key == key, LoginFailure.at > since)).one()
        return count, oldest


def record(rt: Runtime, key: str, window: timedelta) -> None:
    """One more failure for `key`; failures older than `window` (anyone's) are forgotten."""
    now = rt.clock.now()
    with rt.uow() as uow:
        uow.session.execute(delete(LoginFailure).where(LoginFailure.at <= now - window))
        uow.session.add(LoginFailure(key=key, at=now))
        uow.commit()


def clear(rt: Runtime, key: str | None = None) -> None:
    """Forget the failures of `key` (a successful login), or of everyone."""
    with rt.uow() as uow:
        query = delete(LoginFailure)
        uow.session.execute(query if key is None else query.where(LoginFailure.key == key))
        uow.commit()
