"""Child rows as one JSON column of a parent query: a command reads a case and, say, its clocks in
one round trip. PostgreSQL aggregates with json_agg, SQLite with json_group_array; either way the
rows come back as lists of column values (times as ISO 8601 text), parsed by `parse`."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import DateTime, func, select


def rows_json(dialect: str, columns, *where):
    """A scalar subquery: the rows of `columns` matching `where`, as one JSON array of arrays."""
    if dialect == "postgresql":
        aggregate = func.json_agg(func.json_build_array(*columns))
    else:
        aggregate = func.json_group_array(func.json_array(*columns))
    return select(aggregate).where(*where).scalar_subquery()


def parse(text, columns) -> list[dict]:
    """The rows of a `rows_json` value as dicts keyed by column name, times as datetimes."""
    if text is None:
        return []
    rows = json.loads(text) if isinstance(text, (str, bytes)) else text
    times = [isinstance(col.type, DateTime) for col in columns]
    names = [col.key for col in columns]
    return [{name: (datetime.fromisoformat(value) if is_time and value is not None else value)
             for name, is_time, value in zip(names, times, row)} for row in rows]
