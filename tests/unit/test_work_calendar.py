"""Deadlines across the 2026 National Day holiday and the 调休 Saturday (P5–P7 calendar)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.domain.work_calendar import SHANGHAI, WorkCalendar, is_workday, parse_hours

CAL = WorkCalendar()


def utc(text: str) -> datetime:
    """Shanghai wall time → naive UTC, as stored."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).astimezone(timezone.utc).replace(tzinfo=None)


def local(value: datetime) -> str:
    return value.replace(tzinfo=timezone.utc).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def test_holiday_data_for_2026():
    assert not is_workday(datetime(2026, 10, 1).date())   # National Day
    assert not is_workday(datetime(2026, 10, 7).date())
    assert is_workday(datetime(2026, 10, 10).date())      # Saturday, 调休 working day
    assert not is_workday(datetime(2026, 10, 11).date())  # ordinary Sunday


def test_natural_time_ignores_holidays():
    assert CAL.add(utc("2026-09-30 17:00"), 60 * 24, "natural") == utc("2026-10-01 17:00")


def test_working_minutes_skip_lunch_and_evening():
    assert local(CAL.add(utc("2026-11-23 11:30"), 60, "working")) == "2026-11-23 14:00"
    assert local(CAL.add(utc("2026-11-23 17:30"), 60, "working")) == "2026-11-24 09:30"


def test_working_minutes_walk_across_national_day():
    # Wednesday 30 September 17:00 + 2 working hours: 1 hour that day, then the holiday
    # (1–7 October) and Thursday/Friday 8–9 October are working days again.
    assert local(CAL.add(utc("2026-09-30 17:00"), 120, "working")) == "2026-10-08 10:00"


def test_working_days_count_the_make_up_saturday():
    # 7 working days from Friday 9 October: Sat 10 (调休), Mon 12 ... Fri 16, Mon 19.
    assert local(CAL.add(utc("2026-10-09 15:00"), 7 * 24 * 60, "working")) == "2026-10-19 15:00"
    # 1 working day from Friday 9 October lands on the 调休 Saturday.
    assert local(CAL.add(utc("2026-10-09 15:00"), 24 * 60, "working")) == "2026-10-10 15:00"


def test_a_demand_during_the_holiday_counts_from_the_next_opening():
    assert local(CAL.add(utc("2026-10-03 20:00"), 24 * 60, "working")) == "2026-10-09 09:00"
    assert local(CAL.add(utc("2026-10-03 20:00"), 60, "working")) == "2026-10-08 10:00"


def test_years_without_holiday_data_fall_back_to_weekends():
    assert is_workday(datetime(2030, 1, 1).date())        # a Tuesday, no data → workday
    assert not is_workday(datetime(2030, 1, 5).date())    # Saturday


def test_configurable_hours_and_bad_input():
    cal = WorkCalendar(parse_hours("08:00-16:00"))
    assert local(cal.add(utc("2026-11-23 15:00"), 120, "working")) == "2026-11-24 09:00"
    with pytest.raises(ValueError):
        parse_hours("18:00-09:00")
    with pytest.raises(ValueError):
        CAL.add(utc("2026-11-23 15:00"), 10, "lunar")
    assert CAL.add(utc("2026-11-23 15:00"), 0, "working") == utc("2026-11-23 15:00")
    assert CAL.add(utc("2026-11-23 15:00"), 30, "natural") - utc("2026-11-23 15:00") == timedelta(minutes=30)
