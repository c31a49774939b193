"""Smoke runs of the PostgreSQL benchmarks that kill things (issue 20 §6–7): bench/crash.py
(kill -9 of web and worker processes under load) and bench/db_restart.py (PostgreSQL stopped
and started under load) run in a small size and must pass all their checks, so a change that
breaks either (a new deploy gate, a changed API) fails the PostgreSQL run of the suite instead of
the next real run. They run in the PostgreSQL run (`make test-pg`, the second half of .ci/run)."""
from __future__ import annotations

import os

import pytest

from tests.bench_support import run_bench

PG = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not PG.startswith("postgresql"),
    reason="PostgreSQL benchmarks: they run in the PostgreSQL run (make test-pg, .ci/run)")


def _server(url: str) -> str:
    """The server of DATABASE_URL, with its default database (the benches create their own)."""
    return url.rsplit("/", 1)[0] + "/postgres"


def test_crash_bench_passes_its_checks_in_a_small_run():
    out = run_bench("bench/crash.py", "--pg-url", _server(PG), "--db", "qisu_crash_smoke",
               "--clients", "3", "--duration", "8", "--kills", "2", "--timer-cases", "1",
               "--web-workers", "2", "--workers", "1", timeout=400)
    assert "RESULT: all checks passed" in out, out[-3000:]
    assert out.count("[ok]") == 5, out[-3000:]


def test_db_restart_bench_passes_its_checks_in_a_small_run():
    out = run_bench("bench/db_restart.py", "--down", "1", "--clients", "2", "--timers", "2",
               "--warmup", "2", "--after", "3", "--web-workers", "2", timeout=400)
    assert "checks: all passed" in out, out[-3000:]
    assert "fired 2/2, each exactly once" in out, out[-3000:]
