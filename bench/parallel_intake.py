#!/usr/bin/env python
"""Intakes in parallel (issue 20 §4): do concurrent intakes queue behind one another?

    .venv/bin/python bench/parallel_intake.py --pg-url URL [--clients 1,4] [--intakes 40]
    .venv/bin/python bench/parallel_intake.py --smoke        (SQLite, 1 client, 3 intakes)

On a private PostgreSQL database (see loop_rate.fresh_postgres; SQLite without --pg-url), migrated,
seeded and deployed, each client thread (its own Flask test client, bearer token of agent1)
submits `--intakes` complaints through POST /api/cases. While they run, a sampler polls
pg_stat_activity every 5 ms and counts the samples in which some backend of the database waits
on a lock (wait_event_type = 'Lock'): an intake that held the day's case-number counter row
while the engine ran would make every other intake wait there. Printed per client count:
intakes/s, p50/p95 wall ms, and lock-wait samples (with the relation or lock type seen).
In-process clients share one Python interpreter, so throughput is bounded by the GIL; the
lock-wait count is the figure that answers the question. Nothing asserts on timings.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loop_rate as lr  # noqa: E402


def sampler(engine, stop: threading.Event, seen: Counter) -> None:
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        while not stop.is_set():
            rows = conn.exec_driver_sql(
                "SELECT a.wait_event, left(regexp_replace(a.query, '\\s+', ' ', 'g'), 60) "
                "FROM pg_stat_activity a "
                "WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() "
                "AND a.wait_event_type = 'Lock'").all()
            conn.rollback()
            seen["samples"] += 1
            if rows:
                seen["waiting"] += 1
                for event, query in rows:
                    seen[f"on {event}: {query}"] += 1
            time.sleep(0.005)


def run_clients(app, clients: int, intakes: int) -> dict:
    from tests.support import ApiClient
    token = ApiClient(app, {}).token("agent1")
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(_n: int) -> None:
        api = ApiClient(app, {"agent1": token})
        for _ in range(intakes):
            start = time.perf_counter()
            try:
                api.submit(domain="城市管理", town="")
            except AssertionError as err:  # ApiClient asserts the 201
                with lock:
                    errors.append(str(err)[:200])
                continue
            with lock:
                times.append(1000 * (time.perf_counter() - start))

    engine = app.extensions["qisu"].session_factory.kw["bind"]
    stop, seen = threading.Event(), Counter()
    watch = threading.Thread(target=sampler, args=(engine, stop, seen))
    watch.start()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    stop.set()
    watch.join()
    ordered = sorted(times) or [float("nan")]
    return {"rate": len(times) / elapsed, "p50": statistics.median(ordered),
            "p95": ordered[max(0, -(-95 * len(ordered) // 100) - 1)], "done": len(times),
            "errors": errors, "seen": seen}


def measure(url: str, client_counts: list[int], intakes: int) -> None:
    app = lr.build_app(url)
    try:
        run_clients(app, 1, 2)  # warm-up: parsed specs, pools, first-call imports
        for clients in client_counts:
            r = run_clients(app, clients, intakes)
            seen = r["seen"]
            where = ", ".join(f"{k} {v}" for k, v in seen.items() if k.startswith("on ")) or "none"
            locks = (f"lock-wait samples {seen['waiting']} of {seen['samples']} ({where})"
                     if seen["samples"] else "lock waits: not sampled (SQLite)")
            print(f"  {clients} client(s) × {intakes}: {r['done']} intakes, {r['rate']:.1f}/s, "
                  f"p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms; {locks}; errors {len(r['errors'])}"
                  + "".join(f"\n    {e}" for e in r["errors"][:3]))
    finally:
        app.extensions["qisu"].session_factory.kw["bind"].dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--clients", default="1,4")
    parser.add_argument("--intakes", type=int, default=40, help="intakes per client")
    parser.add_argument("--smoke", action="store_true", help="SQLite, 1 client, 3 intakes")
    args = parser.parse_args(argv)
    import logging
    logging.disable(logging.INFO)
    if args.smoke:
        args.pg_url, args.clients, args.intakes = None, "1", 3
    counts = [int(c) for c in args.clients.split(",")]
    print(f"QiSu intakes in parallel — clients {counts}, {args.intakes} intakes each; {lr._versions()}")
    if args.pg_url:
        reason = lr.postgres_unavailable(args.pg_url)
        if reason:
            print(f"PostgreSQL skipped: {reason}")
            return 0
        with lr.fresh_postgres(args.pg_url) as (url, how):
            print(f"PostgreSQL: {how}")
            measure(url, counts, args.intakes)
    else:
        with tempfile.TemporaryDirectory(prefix="qisu-intake-") as tmp:
            print("SQLite: fresh temporary file (one writer at a time by design)")
            measure("sqlite:///" + str(Path(tmp) / "bench.db"), counts, args.intakes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
