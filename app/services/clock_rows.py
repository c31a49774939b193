"""The SLA clock rows of a command: read as detached rows (alone, or in the command's first query
as one JSON column), changed by the clock actions, written back as a batch (changed rows only)."""
from __future__ import annotations

from functools import lru_cache

from app.db import json_rows
from app.db.batch import WriteBatch
from app.db.models import Case, SlaClock

TABLE = SlaClock.__table__
COLUMNS = tuple(TABLE.c)
CHANGING = ("warn_at", "due_at", "warned_at", "met_at", "violated_at", "outcome", "extensions")
NEW = tuple(col.key for col in COLUMNS if col.key != "id")


@lru_cache(maxsize=4)
def json_column(dialect: str):
    """The clocks of the case in the query (correlated to `cases.id`) as one JSON value (see
    `from_json`)."""
    return json_rows.rows_json(dialect, COLUMNS, TABLE.c.case_id == Case.__table__.c.id)


def from_json(value) -> list[SlaClock]:
    return sorted((SlaClock(**row) for row in json_rows.parse(value, COLUMNS)),
                  key=lambda row: row.id)


def read(session, case_id: int) -> list[SlaClock]:
    """The case's clocks, oldest first, as detached rows (not in the session)."""
    return [SlaClock(**row._mapping) for row in session.execute(
        TABLE.select().where(TABLE.c.case_id == case_id).order_by(TABLE.c.id))]


def values(row: SlaClock) -> tuple:
    return tuple(getattr(row, name) for name in CHANGING)


def snapshot(rows: list[SlaClock]) -> dict:
    """What `queue` compares with: each row's values, by the row object."""
    return {id(row): values(row) for row in rows}


def queue(batch: WriteBatch, rows: list[SlaClock], read: dict) -> None:
    """Rows not in `read` are new; rows whose values differ from `read` changed."""
    batch.insert(TABLE, [{name: getattr(row, name) for name in NEW} for row in rows
                         if id(row) not in read])
    changed = [row for row in rows if id(row) in read and values(row) != read[id(row)]]
    if any(row.id is None for row in changed):
        raise RuntimeError("a clock inserted by this command changed after its write")
    batch.update(TABLE, ("id",), [{"id": row.id} | dict(zip(CHANGING, values(row)))
                                  for row in changed])
