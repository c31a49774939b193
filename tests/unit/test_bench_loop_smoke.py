"""Smoke run of bench/loop_rate.py (and bench/raw_engine.py behind it): one case each way.

A benchmark that no longer runs is a defect; this keeps the loop benchmark running as the API
changes (e.g. the enterprise's P17 view of a case carries no open tasks). No figures are judged.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_loop_rate_runs_one_case_through_the_raw_engine_and_the_service():
    run = subprocess.run([sys.executable, "bench/loop_rate.py", "--cases", "1", "--warmup", "0"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "(a) raw engine" in run.stdout and "start + 12 user-task steps" in run.stdout, run.stdout
    assert "(b) service via HTTP, SQLite" in run.stdout, run.stdout
    assert "ratio service/raw, SQLite" in run.stdout, run.stdout
