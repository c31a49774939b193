"""Tables of the process analytics rollup (issue 21 §7, migration 0080; app/db/analytics_sql.py)."""
from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, Column, Date, DateTime, Index, Integer,
                        PrimaryKeyConstraint, SmallInteger, String, Table, Text, text)

from .analytics_sql import DURATIONS, LEADS
from .models import Base


def _keys() -> list[Column]:
    return [Column("grain", String(1), nullable=False), Column("period", Date, nullable=False),
            *_dimensions()]


def _dimensions() -> list[Column]:
    return [Column("deployment_id", Integer, nullable=False),
            Column("unit_id", Integer, nullable=False), Column("town", String(50), nullable=False),
            Column("kind", String(10), nullable=False), Column("domain", String(50), nullable=False),
            Column("channel", String(10), nullable=False),
            Column("red_list", Boolean, nullable=False)]


def _counts(names) -> list[Column]:
    return [Column(name, Integer, nullable=False, server_default="0") for name in names]


# Cases whose contribution to the rollups is out of date (marked by triggers).
analytics_dirty = Table("analytics_dirty", Base.metadata,
                        Column("case_id", Integer, primary_key=True, autoincrement=False))

# Per case: its dimensions, path, lead time and rating as last folded into the rollups.
analytics_cases = Table(
    "analytics_cases", Base.metadata,
    Column("case_id", Integer, primary_key=True, autoincrement=False),
    Column("created_at", DateTime, nullable=False),
    *_dimensions(),
    Column("path", Text, nullable=False),
    Column("lead_seconds", Integer), Column("lead_bucket", Integer),
    Column("rated", Integer, nullable=False), Column("satisfied", Integer, nullable=False),
    Index("ix_analytics_cases_path_created", "path", "created_at"),
)

# Per case, element and duration bucket (-1: no duration): done passes and breached passes.
analytics_case_steps = Table(
    "analytics_case_steps", Base.metadata,
    Column("case_id", Integer, nullable=False), Column("source", String(1), nullable=False),
    Column("element", String(100), nullable=False), Column("bucket", Integer, nullable=False),
    Column("passes", Integer, nullable=False), Column("breached", Integer, nullable=False),
    PrimaryKeyConstraint("case_id", "source", "element", "bucket", name="pk_analytics_case_steps"),
)

analytics_elements = Table(
    "analytics_elements", Base.metadata,
    *_keys(), Column("source", String(1), nullable=False),
    Column("element", String(100), nullable=False),
    *_counts(("passes", "cases", "breached", "timed", *DURATIONS)),
    PrimaryKeyConstraint("grain", "period", "deployment_id", "unit_id", "town", "kind", "domain",
                         "channel", "red_list", "source", "element", name="pk_analytics_elements"),
)

analytics_variants = Table(
    "analytics_variants", Base.metadata,
    *_keys(), Column("path", Text, nullable=False),
    *_counts(("cases", "closed", "rated", "satisfied", *LEADS)),
    PrimaryKeyConstraint("grain", "period", "deployment_id", "unit_id", "town", "kind", "domain",
                         "channel", "red_list", "path", name="pk_analytics_variants"),
)

# The finished deadline clocks (met or violated) with their case's dimensions, for what-if.
analytics_clocks = Table(
    "analytics_clocks", Base.metadata,
    Column("clock_id", Integer, primary_key=True, autoincrement=False),
    Column("case_id", Integer, nullable=False, index=True),
    Column("created_at", DateTime, nullable=False, index=True),
    *_dimensions(),
    Column("matter_class", String(12), nullable=False), Column("clock", String(12), nullable=False),
    Column("started_at", DateTime, nullable=False), Column("warn_at", DateTime, nullable=False),
    Column("due_at", DateTime, nullable=False), Column("met_at", DateTime, nullable=False),
    Column("extensions", Integer, nullable=False),
    Column("start_day", Date, nullable=False),            # local day of started_at
    Column("elapsed_us", BigInteger, nullable=False),     # met_at - started_at, microseconds
    Column("today", SmallInteger, nullable=False),        # 0 met, 1 warned, 2 breached
    Index("ix_analytics_clocks_extended", "case_id", postgresql_where=text("extensions > 0"),
          sqlite_where=text("extensions > 0")),
)
