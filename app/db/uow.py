"""Unit of work: one command, one transaction (cosmicpython style)."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from app.domain.errors import Conflict


class UnitOfWork:
    """`with uow:` opens a session; `commit()` ends the command; anything else rolls back."""

    def __init__(self, session_factory: sessionmaker):
        self._factory = session_factory
        self.session: Session | None = None

    def __enter__(self) -> "UnitOfWork":
        self.session = self._factory()
        return self

    def __exit__(self, *exc) -> None:
        assert self.session is not None
        self.session.rollback()
        self.session.close()
        self.session = None

    def flush(self) -> None:
        try:
            self.session.flush()
        except StaleDataError as err:
            raise Conflict("该诉求已被他人更新,请刷新后重试") from err

    def commit(self) -> None:
        try:
            self.session.commit()
        except StaleDataError as err:
            self.session.rollback()
            raise Conflict("该诉求已被他人更新,请刷新后重试") from err
        except IntegrityError as err:
            self.session.rollback()
            raise Conflict("数据冲突,请重试") from err
        except OperationalError as err:
            self.session.rollback()
            if "locked" in str(err).lower():
                raise Conflict("数据正被他人更新,请重试") from err
            raise
