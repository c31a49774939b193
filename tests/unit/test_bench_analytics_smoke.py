"""Smoke run of bench/analytics.py (issue 21 §7): every view over a small generated history on
SQLite, so the benchmark keeps working; its timings are not checked."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_analytics_bench_smoke():
    run = subprocess.run([sys.executable, "bench/analytics.py", "--smoke"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.splitlines()
    assert lines[0].startswith("generated 1,500 cases")
    for view in ("elements", "flows", "variants", "conformance", "what-if"):
        assert sum(line.startswith(view) for line in lines) >= 4, view
    assert lines[-1].startswith("slowest warm view")
