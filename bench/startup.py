"""How long a `flask qisu …` command takes to start (issue 18 §7: target ≤ 1.5 s).

Runs a few cheap commands against a fresh, migrated SQLite file in a temporary directory, each
`--runs` times in a new process, and prints per command the median wall time and CPU time (user +
system of the child: steadier than wall time on a shared machine), then the heavy libraries that
creating the app imports (there should be none: they are imported where they are used).

    .venv/bin/python bench/startup.py [--runs 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = (["qisu", "--help"], ["qisu", "routing", "list"], ["qisu", "faulted-timers"],
            ["qisu", "migrate"])
HEAVY = ("sklearn", "scipy", "numpy", "jieba", "jsonschema", "openpyxl", "pandas", "pm4py")
PROBE = ("import sys; from app import create_app; create_app({'DATABASE_URL': 'sqlite://', "
         "'QISU_AUTO_DEPLOY': False}); print(' '.join(m for m in %r if m in sys.modules))")


def timed(args: list[str], env: dict) -> tuple[float, float]:
    """(wall s, CPU s) of one process."""
    before = os.times()
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = os.times()
    if run.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{run.stderr[-2000:]}")
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def heavy_imports(env: dict) -> list[str]:
    run = subprocess.run([sys.executable, "-c", PROBE % (HEAVY,)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    return run.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="processes per command (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, FLASK_APP="app", PYTHONPATH=str(ROOT), QISU_LOG_FORMAT="text",
                   DATABASE_URL=f"sqlite:///{tmp}/startup.db")
        timed(["qisu", "migrate"], env)
        load = os.getloadavg()[0]
        print(f"flask qisu start-up, median of {args.runs} runs (load average {load:.1f} at start)")
        for command in COMMANDS:
            walls, cpus = zip(*(timed(command, env) for _ in range(args.runs)))
            print(f"  flask {' '.join(command):<24} wall {statistics.median(walls):5.2f} s   "
                  f"CPU {statistics.median(cpus):5.2f} s")
        found = heavy_imports(env)
        print(f"heavy libraries imported by create_app(): {', '.join(found) if found else 'none'}")


if __name__ == "__main__":
    main()
