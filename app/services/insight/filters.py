"""The filters every insight query takes, and the SQL they become.

A period is a range of local (Asia/Shanghai) calendar days, both ends included; stored times are
naive UTC, so the bounds are converted once here. A case belongs to a period by its intake time
(`created_at`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, literal_column, select

from app.clock import SHANGHAI
from app.db.models import Case, Unit


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    unit: str | None = None        # unit code
    town: str | None = None
    kind: str | None = None
    domain: str | None = None
    channel: str | None = None
    red_list: bool | None = None

    def with_(self, **changes) -> "Filters":
        return replace(self, **changes)

    def previous(self) -> "Filters | None":
        """The period of equal length just before this one (None without both ends)."""
        if self.date_from is None or self.date_to is None:
            return None
        days = (self.date_to - self.date_from).days + 1
        return self.with_(date_from=self.date_from - timedelta(days=days),
                          date_to=self.date_from - timedelta(days=1))

    def as_query(self) -> dict:
        """The filters as query-string values (for links to exports and fragments)."""
        out = {}
        for key, value in (("from", self.date_from), ("to", self.date_to), ("unit", self.unit),
                           ("town", self.town), ("kind", self.kind), ("domain", self.domain),
                           ("channel", self.channel), ("red_list", self.red_list)):
            if value is not None:
                out[key] = value.isoformat() if isinstance(value, date) else (
                    str(value).lower() if isinstance(value, bool) else value)
        return out


def utc_start(day: date) -> datetime:
    """Local midnight of `day` as naive UTC."""
    return datetime.combine(day, time(), SHANGHAI).astimezone(timezone.utc).replace(tzinfo=None)


def conditions(session, filters: Filters) -> list:
    """WHERE clauses for `cases`; an unknown unit code matches nothing."""
    where = []
    if filters.date_from is not None:
        where.append(Case.created_at >= utc_start(filters.date_from))
    if filters.date_to is not None:
        where.append(Case.created_at < utc_start(filters.date_to + timedelta(days=1)))
    return where + dimension_conditions(session, filters, Case)


def dimension_conditions(session, filters: Filters, c) -> list:
    """The unit, town, kind, domain, channel and red-list filters over the columns of `c` (the
    Case model or a rollup table's columns); an unknown unit code matches nothing."""
    where = []
    if filters.unit is not None:
        unit_id = session.scalar(select(Unit.id).where(Unit.code == filters.unit))
        where.append(c.unit_id == (unit_id if unit_id is not None else -1))
    for column, value in ((c.town, filters.town), (c.kind, filters.kind),
                          (c.domain, filters.domain), (c.channel, filters.channel),
                          (c.red_list, filters.red_list)):
        if value is not None:
            where.append(column == value)
    return where


GRANULARITIES = ("day", "week", "month")
OFFSET_HOURS = 8  # Asia/Shanghai has no daylight saving time
HOUR = 3600


def postgres(session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def local_day(session):
    """The local calendar day of `created_at`. On PostgreSQL the exact expression of the index
    ix_cases_local_day (literals, not parameters), whose statistics let the planner aggregate
    by day in parallel."""
    if postgres(session):
        return literal_column("date_trunc('day', cases.created_at + interval '8 hours')")
    return func.date(Case.created_at, f"+{OFFSET_HOURS} hours")


def handling_hour(session):
    """Whole hours of handling time: the expression of the index ix_cases_handling_hour."""
    return literal_column(f"(cases.handling_seconds / {HOUR})")


def roll_up(day: date, granularity: str) -> date:
    """The first day of the week (Monday) or month containing `day`."""
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def auto_granularity(filters: Filters, today: date) -> str:
    start = filters.date_from or (today - timedelta(days=365))
    span = ((filters.date_to or today) - start).days + 1
    return "day" if span <= 62 else "week" if span <= 7 * 30 else "month"
