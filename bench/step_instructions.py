#!/usr/bin/env python
"""Instructions per step of the app process, counted by valgrind (callgrind): the same figure on a
busy or a quiet machine, so two commits can be compared where CPU seconds are too noisy.

    .venv/bin/python bench/step_instructions.py [--cases 4] [--pg-url URL]

Runs itself under `valgrind --tool=callgrind --instr-atstart=no`: the app is built and warmed up
(two cases) uninstrumented, then instrumentation is switched on (callgrind_control) for the
measured cases of bench/loop_rate.py's loop (13 steps a case) and off again. Prints instructions
(Ir) per step of this process — the app, SQLite when the database is SQLite; on PostgreSQL the
server's own work is not in it (bench/loop_rate.py measures that in CPU seconds). Evaluator
processes are not traced (the loop sends them only its two script tasks). Takes a few minutes.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loop_rate as lr  # noqa: E402

MARK = "QISU_UNDER_CALLGRIND"


def _control(switch: str) -> None:
    done = subprocess.run(["callgrind_control", "-i", switch, str(os.getpid())],
                          capture_output=True, text=True)
    if "OK" not in done.stdout:
        raise SystemExit(f"callgrind_control -i {switch}: {done.stdout} {done.stderr}")
    time.sleep(1.5)  # callgrind takes the command at its next check


def measure(args) -> None:
    """Inside valgrind: warm up, then the measured cases with instrumentation on."""
    with tempfile.TemporaryDirectory() as tmp:
        from contextlib import ExitStack
        with ExitStack() as stack:
            url = "sqlite:///" + str(Path(tmp) / "instructions.db")
            if args.pg_url:
                url, _how = stack.enter_context(lr.fresh_postgres(args.pg_url))
            app = lr.build_app(url)
            api = lr.make_api(app)
            for user in lr.USERS:
                api.token(user)
            for _ in range(2):
                lr.drive_case(api)
            _control("on")
            for _ in range(args.cases):
                lr.drive_case(api)
            _control("off")
            app.extensions["qisu"].session_factory.kw["bind"].dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=4)
    parser.add_argument("--pg-url", default=None)
    args = parser.parse_args()
    if os.environ.get(MARK):
        measure(args)
        return 0
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        print("valgrind (callgrind) is not installed: nothing measured")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                   f"--callgrind-out-file={out}", sys.executable, __file__,
                   "--cases", str(args.cases)] + (["--pg-url", args.pg_url] if args.pg_url else [])
        started = time.perf_counter()
        run = subprocess.run(command, env=os.environ | {MARK: "1"}, capture_output=True, text=True)
        if run.returncode != 0:
            print(run.stdout[-2000:], run.stderr[-4000:])
            return run.returncode
        text = out.read_text(errors="replace")
    found = re.search(r"^totals:\s*(\d+)", text, re.MULTILINE)
    total = int(found.group(1))
    steps = args.cases * lr.STEPS_PER_CASE
    where = "PostgreSQL (app process only)" if args.pg_url else "SQLite (app + SQLite)"
    print(f"instructions per step, {where}: {total / steps / 1e6:.1f} M "
          f"({args.cases} cases × {lr.STEPS_PER_CASE} steps; {time.perf_counter() - started:.0f} s "
          "under valgrind)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
