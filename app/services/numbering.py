"""Unique, human-readable case numbers (QS20261123-000042), safe under concurrency.

The day's counter row is a shared resource: whoever updates it holds its lock until their
transaction ends. An intake therefore never bumps it inside its own (long) transaction, which
also runs the workflow engine: on PostgreSQL the number is taken in a short transaction of its
own that commits at once (`reserve_case_number`), so a slow intake holds nothing another intake
needs. The price: an intake that fails after that leaves a gap in the day's sequence (numbers
stay unique; gap-free was never promised). The number is known before the engine runs, so the
process variable `case_no` and the acknowledgement SMS carry it as before.
On SQLite every writer takes the whole database until it commits, so a second transaction would
only wait for the first (or deadlock against it); there the number is taken inside the intake's
own transaction as before."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.clock import local
from app.db.models import CaseCounter
from app.domain.case_number import format_case_number


def reserve_case_number(rt, session, now: datetime) -> str:
    """The next case number for `now`'s day, without `session` holding the counter row
    afterwards (PostgreSQL: taken and committed in a transaction of its own)."""
    if session.bind.dialect.name != "postgresql":
        return next_case_number(session, now)
    with rt.uow() as own:
        number = next_case_number(own.session, now)
        own.commit()
    return number


def defer_insight_rollup(session) -> None:
    """PostgreSQL: this transaction counts its new case in the P18 insight rollup at commit
    (migration 0012), so the day's rollup row is not locked across the engine run either."""
    if session.bind.dialect.name == "postgresql":
        session.execute(text("SET CONSTRAINTS insight_rollup_cases DEFERRED"))


def next_case_number(session, now: datetime) -> str:
    """Bump the day's counter in `session`'s transaction (which then holds the row's lock)."""
    day = local(now).date()
    key = day.strftime("%Y%m%d")
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    seq = session.execute(insert(CaseCounter).values(day=key, last=1).on_conflict_do_update(
        index_elements=[CaseCounter.day], set_={"last": CaseCounter.last + 1})
        .returning(CaseCounter.last)).scalar_one()  # one statement: the day's row made or bumped
    return format_case_number(day, seq)
