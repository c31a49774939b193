"""P18 facts: the on-time rule of a clock over its rounds, and the case's fact columns."""
from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

from app.db.models import Case
from app.services.facts import apply, on_time

T0 = datetime(2026, 11, 23, 2, 0)


def test_on_time_needs_a_finished_round():
    assert on_time([]) is None
    assert on_time(["running"]) is None
    assert on_time(["paused", "cancelled"]) is None


def test_on_time_is_false_once_any_round_violated():
    assert on_time(["met"]) is True
    assert on_time(["met", "cancelled", "met", "running"]) is True
    assert on_time(["met", "violated"]) is False
    assert on_time(["cancelled", "violated"]) is False


def clock(name, outcome, extensions=0):
    return SimpleNamespace(clock=name, outcome=outcome, extensions=extensions)


def test_apply_sets_every_fact():
    case = Case(created_at=T0, unit_id=None, closed_at=None, returns_count=0, extensions_count=0)
    apply(case, [], 0, T0)
    assert case.dispatched_at is None and case.handling_seconds is None
    assert case.response_on_time is None

    case.unit_id = 7
    clocks = [clock("response", "met"), clock("solution", "violated"),
              clock("resolution", "running", extensions=1)]
    apply(case, clocks, 1, T0 + timedelta(minutes=5))
    assert case.dispatched_at == T0 + timedelta(minutes=5)
    assert (case.response_on_time, case.solution_on_time, case.resolution_on_time) == (True, False, None)
    assert case.returns_count == 1 and case.extensions_count == 1

    case.closed_at = T0 + timedelta(hours=3)
    apply(case, clocks[:2] + [clock("resolution", "met", extensions=1)], 1, T0 + timedelta(hours=3))
    assert case.dispatched_at == T0 + timedelta(minutes=5)  # the first dispatch stays
    assert case.handling_seconds == 3 * 3600 and case.resolution_on_time is True
