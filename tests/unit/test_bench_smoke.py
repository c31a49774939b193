"""Benchmarks that cannot rot (issue 20 §6): each bench script the suite can run cheaply runs
here in its smoke mode (a case or a few rows, no figures judged), so a new action, path or API
change breaks the build instead of the next `make bench`; and no script carries a machine path."""
from __future__ import annotations

import re
from pathlib import Path

from tests.bench_support import run_bench

ROOT = Path(__file__).resolve().parents[2]
MACHINE_PATH = re.compile(r"""["'(\s](/work/|/home/|/root/|/Users/|/tmp/qisu)""")


def test_no_bench_or_app_file_names_a_machine_path():
    offenders = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
                 for folder in ("bench", "app")
                 for path in sorted((ROOT / folder).rglob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if MACHINE_PATH.search(line)]
    assert offenders == []


def test_profile_service_profiles_one_case():
    out = run_bench("bench/profile_service.py", "--cases", "1", "--top", "3")
    assert "statements/request" in out and "self time per layer" in out, out
    assert "app/ (QiSu code)" in out, out


def test_worklist_bench_lists_tasks_at_two_levels():
    out = run_bench("bench/worklist.py", "--smoke")
    assert "50 open tasks city-wide" in out and "unit /tasks page" in out, out
    assert "total 10" in out, out  # the unit's share of 50 open tasks, counted through the API


def test_parallel_intake_bench_submits_through_the_api():
    out = run_bench("bench/parallel_intake.py", "--smoke")
    assert "1 client(s) × 3: 3 intakes" in out and "errors 0" in out, out


def test_rounds_bench_drives_a_case_round_after_round_both_ways():
    out = run_bench("bench/rounds.py", "--smoke", "--compare")
    assert "SQLite, before: round" in out and "SQLite, after: round" in out, out
    assert "round 3:" in out and "CPU per step round 3 / round 1" in out, out


def test_step_instructions_counts_one_case_under_callgrind():
    out = run_bench("bench/step_instructions.py", "--cases", "1", timeout=600)
    count = re.search(r"instructions per step, SQLite \(app \+ SQLite\): ([\d.]+) M", out)
    assert count and float(count.group(1)) > 1, out  # a step is millions of instructions
