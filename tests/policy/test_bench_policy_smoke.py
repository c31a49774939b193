"""Smoke run of bench/policy_check.py on one small rule: the benchmark keeps running. No figures
are judged."""
from __future__ import annotations

import subprocess
import sys

from app.config import ROOT


def test_policy_check_bench_runs_one_rule():
    run = subprocess.run([sys.executable, "bench/policy_check.py", "--rule", "P6"], cwd=ROOT,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "rules P6" in run.stdout and "P6   4/4" in run.stdout, run.stdout
    assert "status passed: 4/4 scenarios passed" in run.stdout, run.stdout
    assert "wall time" in run.stdout and "n/a (subset)" in run.stdout, run.stdout
