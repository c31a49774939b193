"""Unique, human-readable case numbers (QS20261123-000042), safe under concurrency."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.clock import local
from app.db.models import CaseCounter
from app.domain.case_number import format_case_number


def next_case_number(session, now: datetime) -> str:
    day = local(now).date()
    key = day.strftime("%Y%m%d")
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(CaseCounter).values(day=key, last=0).on_conflict_do_nothing())
    # The UPDATE takes the row lock: concurrent intakes on one day queue here, never collide.
    seq = session.execute(update(CaseCounter).where(CaseCounter.day == key)
                          .values(last=CaseCounter.last + 1).returning(CaseCounter.last)).scalar_one()
    return format_case_number(day, seq)
