#!/usr/bin/env python
"""Worklists at city scale (issue 20 §3): GET /api/tasks and the /tasks page with many open tasks.

    .venv/bin/python bench/worklist.py [--pg-url URL] [--levels 0,20000,100000] [--repeat 30]
    .venv/bin/python bench/worklist.py --smoke          (SQLite, a few rows: the suite's smoke run)

A fresh database (SQLite file, or with --pg-url a private PostgreSQL database created and dropped
for the run, see loop_rate.fresh_postgres) is migrated, seeded and deployed. For each level L of
open tasks city-wide, rows are added (set-free: Core executemany) until L ready tasks exist:
one unit (城管局, user spec_cgj) holds L/5 of them (20,000 at 100,000), the dispatchers' queue
L/10, the other units the rest; every tenth task is red-listed; `--history H` adds H completed
tasks first (the finished work a real city keeps). Then, in-process through the Flask test client
(server time: the request's wall time and this process's CPU time; PostgreSQL's own time is in
the wall time), each request `--repeat` times:

  GET /api/tasks as spec_cgj (a unit) and dispatcher1; page 2; sort=due_at; the /tasks page.

It prints p50/p95 wall ms and mean CPU ms per request kind and level, and on PostgreSQL EXPLAIN
(ANALYZE, BUFFERS) of every statement of one unit list call, flagging plan nodes that read more
than 10,000 rows (a scan proportional to the open tasks). Timings only; nothing asserts on them.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loop_rate as lr  # noqa: E402

BATCH = 5000
START = datetime(2026, 1, 1)
REQUESTS = (("unit list", "spec_cgj", "/api/tasks", {}),
            ("unit list, page 2", "spec_cgj", "/api/tasks", {"page": 2}),
            ("unit list, by deadline", "spec_cgj", "/api/tasks", {"sort": "due_at"}),
            ("dispatcher list", "dispatcher1", "/api/tasks", {}),
            ("unit /tasks page", "spec_cgj", "/tasks", {}))
ROWS_READ = re.compile(r"actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)")


class World:
    """The ids the generated rows refer to."""

    def __init__(self, session):
        from sqlalchemy import select

        from app.db.models import Deployment, Enterprise, Unit
        self.deployment = session.scalar(select(Deployment.id).order_by(Deployment.id.desc()).limit(1))
        self.enterprises = list(session.scalars(select(Enterprise.id).order_by(Enterprise.id)))
        units = dict(session.execute(select(Unit.code, Unit.id)).all())
        self.unit = units["cgj"]
        self.others = [uid for code, uid in sorted(units.items()) if code != "cgj"]
        self.cases = 0


def _rows(world: World, count: int, status: str, offset: int):
    """`count` cases and one task each; the task's queue follows the level's shares."""
    cases, tasks = [], []
    for i in range(offset, offset + count):
        at = START + timedelta(seconds=37 * i)
        share = i % 10
        role, unit = (("dispatcher", None) if share == 0 else ("unit", world.unit) if share in (1, 2)
                      else ("unit", world.others[i % len(world.others)]))
        red = i % 10 == 3
        cases.append({"id": 1_000_000 + i, "number": f"WL{i:09d}", "status": "handling",
                      "channel": "phone", "kind": "投诉", "domain": "城市管理", "town": "小榄镇",
                      "description": "厂区门口绿化带影响车辆进出,请求协调移植",
                      "enterprise_id": world.enterprises[i % len(world.enterprises)],
                      "unit_id": unit, "red_list": red, "matter_class": "general",
                      "deployment_id": world.deployment, "created_at": at, "updated_at": at})
        name = "dispatch" if role == "dispatcher" else "sign"
        tasks.append({"id": str(uuid.uuid4()), "case_id": 1_000_000 + i, "spec_name": name,
                      "title": "派单" if name == "dispatch" else "签收", "lane": None, "role": role,
                      "unit_id": unit, "enterprise_id": None, "form": f"{name}.schema.json",
                      "status": status, "assignee_id": None, "red_list": red,
                      "deadline_clock": "response", "due_at": at + timedelta(hours=1 + i % 48),
                      "created_at": at, "completed_at": at if status != "ready" else None})
    return cases, tasks


def add_tasks(app, world: World, count: int, status: str = "ready") -> None:
    from sqlalchemy import insert

    from app.db.models import Case, HumanTask
    rt = app.extensions["qisu"]
    done = 0
    while done < count:
        n = min(BATCH, count - done)
        cases, tasks = _rows(world, n, status, world.cases)
        with rt.uow() as uow:
            uow.session.execute(insert(Case), cases)
            uow.session.execute(insert(HumanTask), tasks)
            uow.commit()
        world.cases += n
        done += n


def analyze(app) -> None:
    from sqlalchemy import text
    engine = app.extensions["qisu"].session_factory.kw["bind"]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


def clients(app) -> dict:
    from tests.support import ApiClient, csrf
    api = ApiClient(app, {})
    web = app.test_client()
    web.post("/login", data={"username": "spec_cgj", "password": "qisu-spec_cgj",
                             "csrf_token": csrf(web)})
    return {"api": api, "web": web}


def time_requests(app, repeat: int) -> dict:
    made = clients(app)
    api, web = made["api"], made["web"]
    results = {}
    for label, user, path, params in REQUESTS:
        headers = {"Authorization": f"Bearer {api.token(user)}"}
        walls, cpus = [], []
        for _ in range(repeat + 1):
            wall, cpu = time.perf_counter(), time.process_time()
            if path == "/tasks":
                raw = web.get(path, query_string=params)
            else:
                raw = api.client.get(path, query_string=params, headers=headers)
            walls.append(1000 * (time.perf_counter() - wall))
            cpus.append(1000 * (time.process_time() - cpu))
            if raw.status_code != 200:
                raise RuntimeError(f"{label}: {raw.status_code} {raw.get_data(as_text=True)[:300]}")
        walls, cpus = walls[1:], cpus[1:]  # the first call warms caches
        total = raw.get_json()["total"] if path != "/tasks" else None
        results[label] = (statistics.median(walls), sorted(walls)[max(0, -(-95 * len(walls) // 100) - 1)],
                          statistics.mean(cpus), total)
    return results


def explain_list(app) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of each statement of one unit list call (PostgreSQL)."""
    from sqlalchemy import event, text

    from app.services import auth, tasks
    rt = app.extensions["qisu"]
    engine = rt.session_factory.kw["bind"]
    captured = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    actor = auth.actor_for_token(rt, clients(app)["api"].token("spec_cgj"))
    event.listen(engine, "before_cursor_execute", capture)
    try:
        tasks.list_tasks(rt, actor)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    lines = []
    with engine.connect() as conn:
        for statement, parameters in captured:
            plan = [row[0] for row in conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement,
                                                           parameters)]
            flagged = [line.strip() for line in plan
                       if (m := ROWS_READ.search(line)) and int(m[1]) * int(m[2]) > 10_000]
            lines.append(f"  statement: {' '.join(statement.split())[:160]}…")
            lines += [f"    {line}" for line in plan]
            lines.append(f"    → {len(flagged)} plan node(s) over 10,000 rows" +
                         "".join(f"\n      FLAG {f}" for f in flagged))
        conn.execute(text("SELECT 1"))
    return lines


def run(url: str, levels: list[int], repeat: int, history: int, explain: bool) -> None:
    app = lr.build_app(url)
    try:
        rt = app.extensions["qisu"]
        with rt.uow() as uow:
            world = World(uow.session)
        if history:
            add_tasks(app, world, history, status="completed")
        open_now = 0
        for level in levels:
            add_tasks(app, world, level - open_now)
            open_now = level
            analyze(app)
            print(f"  {level:,} open tasks city-wide ({level // 5:,} at 城管局, {level // 10:,} to dispatch)"
                  f"{f', {history:,} completed' if history else ''}:")
            for label, (p50, p95, cpu, total) in time_requests(app, repeat).items():
                shown = "" if total is None else f"  total {total:,}"
                print(f"    {label:<24} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  CPU {cpu:6.2f} ms{shown}")
            if explain and url.startswith("postgresql"):
                print("\n".join(explain_list(app)))
    finally:
        rt.session_factory.kw["bind"].dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg-url", default=None, help="PostgreSQL server (private database per run)")
    parser.add_argument("--levels", default="0,20000,100000")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--history", type=int, default=0, help="completed tasks added first")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="SQLite, levels 0,50, 2 repeats")
    args = parser.parse_args(argv)
    import logging
    logging.disable(logging.INFO)
    if args.smoke:
        args.pg_url, args.levels, args.repeat, args.history = None, "0,50", 2, 20
    levels = sorted(int(v) for v in args.levels.split(","))
    print(f"QiSu worklist at scale — levels {levels}, {args.repeat} requests each; {lr._versions()}")
    if args.pg_url:
        reason = lr.postgres_unavailable(args.pg_url)
        if reason:
            print(f"PostgreSQL skipped: {reason}")
            return 0
        with lr.fresh_postgres(args.pg_url) as (url, how):
            print(f"PostgreSQL: {how}")
            run(url, levels, args.repeat, args.history, not args.no_explain)
    else:
        with tempfile.TemporaryDirectory(prefix="qisu-worklist-") as tmp:
            print("SQLite: fresh temporary file")
            run("sqlite:///" + str(Path(tmp) / "bench.db"), levels, args.repeat, args.history, False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
