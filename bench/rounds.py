#!/usr/bin/env python
"""Rounds: does a case get dearer as it goes round? State bytes and CPU per step, rounds 1..R.

    .venv/bin/python bench/rounds.py [--cases N] [--rounds R] [--pg-url URL] [--compare] [--smoke]

Each case is a complaint rated 不满意 R times (issue 20 §2). A round is six HTTP steps through the
API (tests/support.py's ApiClient on the Flask test client, bearer tokens fetched beforehand):

    round 1:  dispatch            → sign → contact → propose → reply → rate 不满意
    round k:  supervise / leader  → sign → contact → propose → reply → rate 不满意

(after `max_dissatisfied_rounds` the supervisor's 督办回访 becomes the leader's 领导批示). Only
the six POSTs are timed (the look-up of the task id by GET /api/tasks is not). Per round it
prints the stored workflow state of the case after the round (bytes of `workflow_states.state`,
mean over the cases), its growth over the previous round, the CPU per step of this process (app,
and SQLite) and, on PostgreSQL, of the database's backends; then the ratios round R / round 1.
The case is closed with a 满意 round at the end, and its diagram is fetched once (both checked).

Targets (issue 20 §2): CPU per step at round 6 ≤ 1.2× round 1; state grows ≤ 4 KB a round.
`--compare` runs every case twice, interleaved: as the state is saved now and as it was saved
before compaction (app/engine/prune.py; only earlier rounds' finished subprocesses dropped).
No timing assertions: the script measures and prints. `--smoke` = 1 case, 3 rounds, SQLite.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import os
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "bench"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from loop_rate import (backend_cpu, build_app, fresh_postgres,  # noqa: E402
                       postgres_unavailable)
from raw_engine import DISPATCH, SUPERVISE, unit_steps  # noqa: E402

USERS = ("agent1", "dispatcher1", "spec_cgj", "ent2", "supervisor1", "leader1")
LEADER = {"leader_instruction": "请牵头协调解决"}
STEPS_PER_ROUND = 6


def _check(condition: bool, what) -> None:
    if not condition:
        raise RuntimeError(f"rounds loop went wrong: {what}")


def state_bytes(app, number: str) -> int:
    from sqlalchemy import select

    from app.db.models import Case, WorkflowState
    rt = app.extensions["qisu"]
    with rt.uow() as uow:
        state = uow.session.scalar(select(WorkflowState.state).join(
            Case, Case.id == WorkflowState.case_id).where(Case.number == number))
    return len(state.encode())


class Meter:
    """CPU seconds of this process and of the database backends, summed over timed blocks."""

    def __init__(self, app):
        self.app = app
        self.app_s = self.db_s = 0.0

    def timed(self, call):
        cpu, db = time.process_time(), backend_cpu(self.app)
        result = call()
        self.app_s += time.process_time() - cpu
        self.db_s += backend_cpu(self.app) - db
        return result


def drive_case(app, api, rounds: int, per_round: list[dict]) -> None:
    number = api.submit(domain="城市管理", town="")["number"]
    for index in range(rounds):
        meter = Meter(app)

        def post(user, name, data):
            task = api.as_(user).task_for(number, name)
            _check(task is not None, f"no open task {name} in round {index + 1}")
            response = meter.timed(lambda: api.as_(user).post(
                f"/api/tasks/{task['id']}/complete", json={"data": data}))
            _check(response.status == 200, response)

        if index == 0:
            post("dispatcher1", "dispatch", DISPATCH)
        elif api.as_("supervisor1").task_for(number, "supervise") is not None:
            post("supervisor1", "supervise", SUPERVISE)
        else:
            post("leader1", "leader_instruction", LEADER)
        for name, data in unit_steps():
            post("spec_cgj", name, data)
        response = meter.timed(lambda: api.rate(number, "不满意"))
        _check(response.status == 200, response)
        slot = per_round[index]
        slot["bytes"] += state_bytes(app, number)
        slot["app_s"] += meter.app_s
        slot["db_s"] += meter.db_s
    _check(api.as_("supervisor1").get(f"/api/cases/{number}/diagram").status == 200, "diagram")
    for user, name, data in (("supervisor1", "supervise", SUPERVISE),
                             ("leader1", "leader_instruction", LEADER)):
        task = api.as_(user).task_for(number, name)
        if task is not None:
            response = api.as_(user).post(f"/api/tasks/{task['id']}/complete", json={"data": data})
            _check(response.status == 200, response)
            break
    for name, data in unit_steps():
        _check(api.as_("spec_cgj").complete(number, name, data).status == 200, name)
    response = api.rate(number, "满意")
    _check(response.status == 200 and response.json["status"] == "closed", response)


@contextmanager
def compaction(mode: str):
    """"after": the state as the app saves it; "before": as it was saved before compaction
    (app/engine/prune.py) — only the finished subprocesses of earlier rounds dropped."""
    from app.engine import state
    if mode == "after":
        yield
        return
    saved = state.compact_state
    state.compact_state = lambda dct, _joins=(): state.prune_finished_subprocesses(dct)
    try:
        yield
    finally:
        state.compact_state = saved


def measure(url: str, cases: int, rounds: int, warmup: int, modes=("after",)) -> dict:
    """Per mode, per round: mean state bytes and CPU ms per step. With two modes the cases
    alternate between them (interleaved in one run, so load hits both alike)."""
    from tests.support import ApiClient
    app = build_app(url)
    try:
        api = ApiClient(app, {})
        for user in USERS:
            api.token(user)
        for mode in modes:
            for _ in range(warmup):
                with compaction(mode):
                    drive_case(app, api, rounds, [{"bytes": 0, "app_s": 0.0, "db_s": 0.0}
                                                  for _ in range(rounds)])
        per_round = {mode: [{"bytes": 0, "app_s": 0.0, "db_s": 0.0} for _ in range(rounds)]
                     for mode in modes}
        for _ in range(cases):
            for mode in modes:
                with compaction(mode):
                    drive_case(app, api, rounds, per_round[mode])
        steps = cases * STEPS_PER_ROUND
        return {mode: [{"bytes": r["bytes"] / cases, "app_ms": 1000 * r["app_s"] / steps,
                        "db_ms": 1000 * r["db_s"] / steps} for r in rows]
                for mode, rows in per_round.items()}
    finally:
        app.extensions["qisu"].session_factory.kw["bind"].dispose()


def report(label: str, rows: list[dict], out=print) -> None:
    out(f"{label}: round  state bytes  growth  CPU/step app + db = total (ms)")
    previous = None
    for index, row in enumerate(rows, 1):
        growth = "" if previous is None else f"{row['bytes'] - previous:+7.0f}"
        total = row["app_ms"] + row["db_ms"]
        out(f"  round {index}: {row['bytes']:9.0f}  {growth:>7}  "
            f"{row['app_ms']:5.1f} + {row['db_ms']:4.1f} = {total:5.1f}")
        previous = row["bytes"]
    first, last = rows[0], rows[-1]
    per_round = (last["bytes"] - first["bytes"]) / max(len(rows) - 1, 1)
    ratio = (last["app_ms"] + last["db_ms"]) / max(first["app_ms"] + first["db_ms"], 1e-9)
    out(f"  state growth per round (round {len(rows)} - round 1) / {len(rows) - 1}: "
        f"{per_round:.0f} bytes (target ≤ 4096)")
    out(f"  CPU per step round {len(rows)} / round 1: {ratio:.2f} (target ≤ 1.2)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=5, help="timed cases (default 5)")
    parser.add_argument("--rounds", type=int, default=6, help="dissatisfied rounds (default 6)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed warm-up cases (default 1)")
    parser.add_argument("--pg-url", default=None, help="also run on this PostgreSQL server "
                        "(a private database is created and dropped)")
    parser.add_argument("--compare", action="store_true", help="also run each case the way the "
                        "state was saved before compaction, interleaved (before, after, ...)")
    parser.add_argument("--smoke", action="store_true", help="1 case, 3 rounds, no warm-up")
    args = parser.parse_args(argv)
    if args.smoke:
        args.cases, args.rounds, args.warmup = 1, 3, 0
    import logging
    logging.disable(logging.INFO)
    print(f"QiSu rounds — {args.cases} cases × {args.rounds} dissatisfied rounds "
          f"({STEPS_PER_ROUND} steps each) after {args.warmup} warm-up; "
          f"load average {os.getloadavg()[0]:.2f}")
    modes = ("before", "after") if args.compare else ("after",)

    def show(label, results):
        for mode, rows in results.items():
            report(f"{label}, {mode}" if args.compare else label, rows)
        if args.compare:
            for index in range(args.rounds):
                b, a = results["before"][index], results["after"][index]
                print(f"  round {index + 1}: CPU/step after/before "
                      f"{(a['app_ms'] + a['db_ms']) / max(b['app_ms'] + b['db_ms'], 1e-9):.2f}")

    with tempfile.TemporaryDirectory(prefix="qisu-rounds-") as tmp:
        url = "sqlite:///" + str(Path(tmp) / "rounds.db")
        show("SQLite", measure(url, args.cases, args.rounds, args.warmup, modes))
    if args.pg_url:
        reason = postgres_unavailable(args.pg_url)
        if reason is not None:
            print(f"PostgreSQL skipped: {reason}")
        else:
            with fresh_postgres(args.pg_url) as (pg_url, _how):
                show("PostgreSQL", measure(pg_url, args.cases, args.rounds, args.warmup, modes))
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
