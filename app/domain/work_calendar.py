"""Deadlines in natural time or working time (Chinese statutory holidays and 调休), Asia/Shanghai.

Working time:
- a duration under one day counts working minutes inside the working hours of working days;
- a duration of whole days counts working days ("7 个工作日"): the deadline is the same time of
  day on the N-th following working day; a start on a day off counts from the next opening.
Holidays and make-up working days come from the `chinese_calendar` package; for a year it has
no data for, weekends are the only days off.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY_MINUTES = 24 * 60


@lru_cache(maxsize=8192)  # chinese_calendar raises (slowly) for years it has no data for
def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # no data for that year
        return day.weekday() < 5


def parse_hours(spec: str) -> tuple[tuple[time, time], ...]:
    """'09:00-12:00,13:30-18:00' → ((09:00, 12:00), (13:30, 18:00))."""
    periods = []
    for part in spec.split(","):
        start, end = part.strip().split("-")
        periods.append((time.fromisoformat(start.strip()), time.fromisoformat(end.strip())))
    if not periods or any(s >= e for s, e in periods):
        raise ValueError(f"invalid working hours: {spec!r}")
    return tuple(sorted(periods))


@dataclass(frozen=True)
class WorkCalendar:
    hours: tuple[tuple[time, time], ...] = parse_hours("09:00-12:00,13:30-18:00")

    def add(self, start_utc: datetime, minutes: int, mode: str = "natural") -> datetime:
        """The deadline `minutes` after `start_utc` (naive UTC in, naive UTC out)."""
        if mode == "natural" or minutes <= 0:
            return start_utc + timedelta(minutes=minutes)
        if mode != "working":
            raise ValueError(f"unknown calendar mode {mode!r}")
        local = start_utc.replace(tzinfo=timezone.utc).astimezone(SHANGHAI)
        if minutes % DAY_MINUTES == 0:
            result = self._add_days(local, minutes // DAY_MINUTES)
        else:
            result = self._add_minutes(local, minutes)
        return result.astimezone(timezone.utc).replace(tzinfo=None)

    def _periods(self, day: date):
        for start, end in self.hours:
            yield (datetime.combine(day, start, SHANGHAI), datetime.combine(day, end, SHANGHAI))

    def _add_minutes(self, local: datetime, minutes: int) -> datetime:
        remaining = timedelta(minutes=minutes)
        day = local.date()
        for _ in range(3660):  # ten years of days: far more than any deadline needs
            if is_workday(day):
                for start, end in self._periods(day):
                    begin = max(start, local)
                    if begin >= end:
                        continue
                    if begin + remaining <= end:
                        return begin + remaining
                    remaining -= end - begin
            day += timedelta(days=1)
        raise ValueError("deadline too far away")

    def _add_days(self, local: datetime, days: int) -> datetime:
        day, off = _workdays_after(local.date(), days)
        # a demand on a day off starts at the next opening
        return datetime.combine(day, self.hours[0][0] if off else local.time(), SHANGHAI)


@lru_cache(maxsize=16384)
def _workdays_after(day: date, days: int) -> tuple[date, bool]:
    """The `days`-th working day after `day` (counted from the next working day when `day` is
    a day off), and whether `day` was a day off."""
    off = not is_workday(day)
    while not is_workday(day):
        day += timedelta(days=1)
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day, off
