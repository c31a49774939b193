"""Unit of work: one command, one transaction (cosmicpython style)."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from app.domain.errors import Conflict
from app.domain.texts import msg


class UnitOfWork:
    """`with uow:` opens a session; `commit()` ends the command; anything else rolls back."""

    def __init__(self, session_factory: sessionmaker):
        self._factory = session_factory
        self.session: Session | None = None

    def __enter__(self) -> "UnitOfWork":
        self.session = self._factory()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self.session is not None
        self.session.rollback()
        self.session.close()
        self.session = None
        conflict = translate(exc) if exc is not None else None
        if conflict is not None:
            raise conflict from exc

    def commit(self) -> None:
        if any(self.session.info.get("qisu_batches", ())):  # app/db/batch.py
            raise RuntimeError("row writes not sent: the command ends with projection.flush")
        self.session.commit()


def translate(exc: BaseException) -> Conflict | None:
    """Concurrency failures of the database become 409 Conflict; everything is rolled back."""
    if isinstance(exc, StaleDataError):
        return Conflict(msg("conflict.case_updated", "该诉求已被他人更新,请刷新后重试"))
    if isinstance(exc, IntegrityError):
        return Conflict(msg("conflict.data", "数据冲突,请重试"))
    if isinstance(exc, OperationalError) and (
            "locked" in str(exc).lower() or "deadlock" in str(exc).lower()):
        return Conflict(msg("conflict.locked", "数据正被他人更新,请重试"))
    return None
