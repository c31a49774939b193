"""Smoke run of bench/loop_rate.py (and bench/raw_engine.py behind it): one case each way.

A benchmark that no longer runs is a defect; this keeps the loop benchmark running as the API
changes (e.g. the enterprise's P17 view of a case carries no open tasks). No figures are judged.
"""
from __future__ import annotations

from tests.bench_support import run_bench


def test_loop_rate_runs_one_case_through_the_raw_engine_and_the_service():
    out = run_bench("bench/loop_rate.py", "--cases", "1", "--warmup", "0")
    assert "(a) raw engine" in out and "start + 12 user-task steps" in out, out
    assert "(b) service via HTTP, SQLite" in out, out
    assert "ratio service/raw, SQLite" in out, out
    assert "(d) CPU per step service ÷ raw engine per step, SQLite" in out, out
