#!/usr/bin/env python
"""EXPLAIN ANALYZE of the loop's hot queries on the load test's history database.

    .venv/bin/python bench/load_explain.py [--db qisu_load_1m] [--pg-url URL] [--all]

Drives one complete dual-loop case in-process (Flask test client, GET /api/tasks before each
completion — the statements bench/load.py's clients cause) and one round of the worker
(`app.worker.run_once`: due timers, pending outbox; `sleep_seconds`: next due time), capturing
every statement with its parameters through SQLAlchemy's `before_cursor_execute` event. Each
distinct SELECT/UPDATE/DELETE is then run again under EXPLAIN (ANALYZE, BUFFERS) inside a
transaction that is rolled back. Printed: per statement the call count, execution time, and
whether the plan scans a large table sequentially (`SEQ SCAN` flags: the regressions to look
for as history grows); `--all` prints every plan in full, otherwise only flagged ones.
The database must exist (build it with `bench/load.py --history 1000000`); one case is added.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import OrderedDict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from load import DEFAULT_PG  # noqa: E402
from serving import database_url  # noqa: E402

BIG_ROWS = 10_000  # a sequential scan over more rows than this is flagged


def capture(url: str) -> "OrderedDict[str, dict]":
    """One loop case plus one worker round; distinct statements with first parameters."""
    from sqlalchemy import event

    from app import create_app
    from app.worker import run_once, sleep_seconds
    from loop_rate import drive_case, make_api

    app = create_app({"TESTING": True, "DATABASE_URL": url, "QISU_AUTO_DEPLOY": False,
                      "SECRET_KEY": "explain"})
    rt = app.extensions["qisu"]
    engine = rt.session_factory.kw["bind"]
    seen: OrderedDict[str, dict] = OrderedDict()
    phase = {"name": "login"}

    def before(conn, cursor, statement, parameters, context, executemany):
        entry = seen.setdefault(statement, {"calls": 0, "params": parameters, "many": executemany,
                                            "phase": phase["name"]})
        entry["calls"] += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        api = make_api(app)
        for user in ("agent1", "dispatcher1", "spec_cgj", "ent2", "supervisor1"):
            api.token(user)
        phase["name"] = "loop"
        drive_case(api, list_tasks=True)
        phase["name"] = "worker"
        run_once(rt)
        sleep_seconds(rt, 1.0)
    finally:
        event.remove(engine, "before_cursor_execute", before)
        engine.dispose()
    return seen


def explain(url: str, statement: str, params) -> list[str]:
    from sqlalchemy import create_engine
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            trans = conn.begin()
            try:
                rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).all()
            finally:
                trans.rollback()
    finally:
        engine.dispose()
    return [row[0] for row in rows]


def seq_scans(plan: list[str]) -> list[str]:
    """Seq Scan nodes whose actual rows + rows removed by filter exceed BIG_ROWS."""
    flagged = []
    for i, line in enumerate(plan):
        match = re.search(r"Seq Scan on (\w+)", line)
        if not match:
            continue
        actual = re.search(r"actual time=[\d.]+\.\.[\d.]+ rows=(\d+)", line)
        scanned = int(actual.group(1)) if actual else 0
        for follow in plan[i + 1:i + 4]:
            removed = re.search(r"Rows Removed by Filter: (\d+)", follow)
            if removed:
                scanned += int(removed.group(1))
        if scanned > BIG_ROWS:
            flagged.append(f"{match.group(1)} ({scanned:,} rows read)")
    return flagged


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="qisu_load_1m")
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--all", action="store_true", help="print every plan in full")
    args = parser.parse_args(argv)
    import logging
    logging.disable(logging.INFO)
    url = database_url(args.pg_url, args.db)
    statements = capture(url)
    print(f"{args.db}: {len(statements)} distinct statements in one loop case + one worker round")
    flagged_total = 0
    for number, (statement, entry) in enumerate(statements.items(), 1):
        verb = statement.lstrip().split(None, 1)[0].upper()
        if entry["phase"] == "login" or entry["many"] or verb not in ("SELECT", "UPDATE", "DELETE"):
            continue
        plan = explain(url, statement, entry["params"])
        execution = next((l for l in plan if l.startswith("Execution Time")), "")
        flagged = seq_scans(plan)
        flagged_total += bool(flagged)
        one_line = " ".join(statement.split())
        print(f"\n#{number} [{entry['phase']}, {entry['calls']}×] {execution}"
              + (f"  SEQ SCAN: {', '.join(flagged)}" if flagged else ""))
        print(f"  {one_line[:300]}{' …' if len(one_line) > 300 else ''}")
        if args.all or flagged:
            for line in plan:
                print(f"    {line}")
    print(f"\n{flagged_total} statement(s) with a sequential scan over > {BIG_ROWS:,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
