"""Injectable clock. Stored times are naive UTC; display converts to Asia/Shanghai."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc).replace(tzinfo=None)


class FixedClock:
    """A clock tests move by hand (`advance`)."""

    def __init__(self, start: datetime):
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, **kwargs) -> None:
        self._now += timedelta(**kwargs)


def local(dt: datetime | None) -> datetime | None:
    return None if dt is None else dt.replace(tzinfo=timezone.utc).astimezone(SHANGHAI)


def iso(dt: datetime | None) -> str | None:
    value = local(dt)
    return None if value is None else value.isoformat(timespec="seconds")


def spoken(dt: datetime | None) -> str:
    """A time as a message to a person reads it, in Beijing time: '11月23日 11:00'."""
    value = local(dt)
    return "" if value is None else f"{value.month}月{value.day}日 {value:%H:%M}"
