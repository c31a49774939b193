"""Smoke run of bench/analytics.py (issue 21 §7): every view over a small generated history on
SQLite, so the benchmark keeps working; its timings are not checked."""
from __future__ import annotations

import pytest

from tests.bench_support import run_bench

pytestmark = pytest.mark.slow  # a subprocess generating history: about a minute


def test_analytics_bench_smoke():
    lines = run_bench("bench/analytics.py", "--smoke", timeout=600).splitlines()
    assert lines[0].startswith("generated 1,500 cases")
    for view in ("elements", "flows", "variants", "conformance", "what-if"):
        assert sum(line.startswith(view) for line in lines) >= 4, view
    assert lines[-1].startswith("slowest warm view")
