#!/usr/bin/env python
"""Load test: concurrent clients drive the full dual loop over real HTTP against gunicorn and
PostgreSQL, on an empty database and on one with a large case history.

    .venv/bin/python bench/load.py [--clients 50] [--racers 4] [--duration 60] [--history N]
                                   [--compare [--rounds R]] [--rebuild] [--pg-url URL]

Each run: a PostgreSQL database on --pg-url's server (`qisu_load_empty`, created afresh every
run; with --history N, `qisu_load_1m` for N = 1,000,000 — built once with
`flask qisu generate-history` plus bench/load_history.py and kept between runs; --rebuild
builds it again), `flask qisu migrate/seed/deploy`, then gunicorn (gunicorn.conf.py,
QISU_WEB_WORKERS processes, default 4) on `app:create_app()` and one `flask qisu worker`
(timers and the SMS outbox), as bin/serve-prod starts them. The clients (bench/load_client.py)
run `--warmup` seconds unmeasured, then `--duration` seconds measured. Printed: throughput
(steps/s and closed cases/s), p50/p95/p99 latency per endpoint, non-2xx counts, the expected
409s of the racing clients apart, and errors. --compare runs the empty database, then the
history one (--rounds R: R times, alternating), and prints the ratio of the throughputs
(target ≥ 80%). A CPU probe (a fixed loop in a separate process, timed every 5 s while measuring)
shows how busy the machine was in each run.

Timings only; nothing asserts on them. Run it alone: the machine's other load shows directly.
"""
from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from load_client import percentile, run_clients  # noqa: E402
from load_observe import observe  # noqa: E402
from serving import admin_engine, database_url, pg_database, wait_ready  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET = 0.80
VENV = Path(os.environ.get("VENV", ROOT / ".venv"))
MARK = "qisu-load history={}"  # COMMENT ON DATABASE once the history is complete


def db_name(history: int) -> str:
    if history == 0:
        return "qisu_load_empty"
    return f"qisu_load_{history // 1_000_000}m" if history % 1_000_000 == 0 else f"qisu_load_{history}"


def _flask(url: str, *args: str, echo=print) -> None:
    env = os.environ | {"FLASK_APP": "app", "DATABASE_URL": url, "QISU_LOG_FORMAT": "text",
                        "QISU_LOG_LEVEL": "WARNING"}
    result = subprocess.run([str(VENV / "bin" / "flask"), "qisu", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"flask qisu {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()] or ["ok"]
    echo(f"  flask qisu {' '.join(args)}: {lines[0] if args[0] == 'seed' else lines[-1]}")


def prepare(pg_url: str, history: int, rebuild: bool, echo=print) -> str:
    """The database for a run: fresh when empty; the history one reused when complete."""
    from sqlalchemy import text
    name = db_name(history)
    url = database_url(pg_url, name)
    admin = admin_engine(pg_url)
    with admin.connect() as conn:
        mark = conn.execute(text("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                                 "WHERE datname = :n"), {"n": name}).first()
        reuse = history > 0 and not rebuild and mark is not None and mark[0] == MARK.format(history)
    if not reuse:
        pg_database(pg_url, name)
    echo(f"database {name}: " + ("kept from an earlier run (--rebuild builds it again)" if reuse
                                 else "created"))
    for args in (("migrate",), ("seed",), ("deploy",)):
        _flask(url, *args, echo=echo)
    if not reuse and history > 0:
        started = time.perf_counter()
        _flask(url, "generate-history", "--cases", str(history), "--days", "365", echo=echo)
        from load_history import add_history
        add_history(url, echo=echo)
        with admin.connect() as conn:
            conn.execute(text(f"COMMENT ON DATABASE \"{name}\" IS '{MARK.format(history)}'"))
        echo(f"  history built in {time.perf_counter() - started:.0f} s")
    from sqlalchemy import create_engine
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
        sizes = conn.execute(text(
            "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM human_tasks), "
            "(SELECT count(*) FROM timers), (SELECT count(*) FROM outbox), "
            "(SELECT count(*) FROM audit_events), pg_size_pretty(pg_database_size(current_database()))"
        )).one()
    engine.dispose()
    admin.dispose()
    echo(f"  rows: cases {sizes[0]:,}, human_tasks {sizes[1]:,}, timers {sizes[2]:,}, outbox "
         f"{sizes[3]:,}, audit_events {sizes[4]:,}; size {sizes[5]}")
    return url


class Servers:
    """gunicorn + one `flask qisu worker`, each in its own process group, stopped by id."""

    def __init__(self, url: str, port: int, web_workers: int, log: Path):
        self.env = os.environ | {
            "FLASK_APP": "app", "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(16),
            "QISU_AUTO_DEPLOY": "0", "QISU_BIND": f"127.0.0.1:{port}",
            "QISU_WEB_WORKERS": str(web_workers), "QISU_LOG_FORMAT": "json"}
        self.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.base, self.log, self.procs = f"http://127.0.0.1:{port}", log, []

    def __enter__(self):
        out = open(self.log, "w")
        for cmd in ([str(VENV / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "app:create_app()"],
                    [str(VENV / "bin" / "flask"), "qisu", "worker"]):
            self.procs.append(subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=out,
                                               stderr=subprocess.STDOUT, start_new_session=True))
        if wait_ready(self.base, 60, exited=lambda: any(p.poll() is not None for p in self.procs)):
            return self
        self.__exit__()
        raise SystemExit(f"servers did not become ready; see {self.log}")

    def __exit__(self, *exc):
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def measure(args, history: int, echo=print) -> dict:
    url = prepare(args.pg_url, history, args.rebuild, echo=echo)
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"qisu-load-{db_name(history)}.log"
    with Servers(url, args.port, args.web_workers, log) as servers:
        load = os.getloadavg()
        echo(f"  servers up ({args.web_workers} gunicorn workers + 1 qisu worker; log {log}); "
             f"load average before: {load[0]:.2f} {load[1]:.2f}")
        seen = {"probes": [], "app": 0.0, "pg": 0.0}
        stats = run_clients(servers.base, args.clients, args.racers, args.duration, args.warmup,
                            echo=echo, during=observe(servers, args.pg_url, db_name(history), seen))
    result = report(stats, db_name(history), history, args, echo)
    probes = sorted(seen["probes"])
    result["probe"] = probes[len(probes) // 2] if probes else float("nan")
    steps = max(stats.steps, 1)
    result["cpu_ms"] = 1000 * (seen["app"] + seen["pg"]) / steps
    echo(f"  CPU per step: {1000 * seen['app'] / steps:.0f} ms app (gunicorn + worker) + "
         f"{1000 * seen['pg'] / steps:.0f} ms PostgreSQL = {result['cpu_ms']:.0f} ms "
         f"(→ at most {os.cpu_count() * 1000 / result['cpu_ms']:.1f} steps/s on {os.cpu_count()} "
         f"idle cores)")
    load = os.getloadavg()
    echo(f"  CPU probe (fixed loop in a separate process, median of {len(probes)}): "
         f"{result['probe']:.0f} ms; load average after: {load[0]:.2f}")
    return result


def report(stats, name: str, history: int, args, echo=print) -> dict:
    seconds = stats.seconds
    result = {"steps": stats.steps / seconds, "cases": stats.cases / seconds}
    echo(f"[{name}, {history:,} historical cases] {args.clients} clients ({args.racers} racing), "
         f"{seconds:.1f} s measured")
    echo(f"  throughput: {result['steps']:.1f} steps/s, {result['cases']:.2f} cases/s closed in the "
         f"window, {result['steps'] / 13:.2f} case-equivalents/s (steps/13) ({stats.steps:,} steps, "
         f"{stats.cases:,} closed cases)")
    echo(f"  {'endpoint':<32} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  non-2xx")
    for label in sorted(stats.latency):
        values = stats.latency[label]
        other = {s: n for s, n in stats.status[label].items() if not 200 <= s < 300}
        echo(f"  {label:<32} {len(values):>8} {1000 * percentile(values, 50):>8.0f} "
             f"{1000 * percentile(values, 95):>8.0f} {1000 * percentile(values, 99):>8.0f}  "
             f"{', '.join(f'{s}×{n}' for s, n in sorted(other.items())) or '-'}")
    echo(f"  expected 409s (racing completions of the same task, one 200 + one 409): "
         f"{stats.expected_409}")
    anomalies = sum(stats.race_anomalies.values())
    errors = sum(stats.errors.values())
    echo(f"  race anomalies: {anomalies}" + (f" {dict(stats.race_anomalies)}" if anomalies else ""))
    echo(f"  errors (anything else not 2xx, transport errors, wrong states): {errors}")
    for what, n in stats.errors.most_common(10):
        echo(f"    {n} × {what}")
    result["errors"] = errors
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--racers", type=int, default=4,
                        help="clients that complete every task twice at once (expected 409s)")
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured seconds first")
    parser.add_argument("--history", type=int, default=0, help="historical cases (0: empty database)")
    parser.add_argument("--compare", action="store_true",
                        help="run the empty database, then --history (default 1,000,000), and print the ratio")
    parser.add_argument("--rounds", type=int, default=1,
                        help="with --compare: alternate empty/history this many times (noisy machines)")
    parser.add_argument("--rebuild", action="store_true", help="build the history database again")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help=f"PostgreSQL server (default {DEFAULT_PG})")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--web-workers", type=int, default=4)
    args = parser.parse_args(argv)
    print(f"QiSu load test: {args.clients} clients, {args.warmup:.0f} s warm-up + "
          f"{args.duration:.0f} s measured, gunicorn {args.web_workers} processes, {args.pg_url}")
    if not args.compare:
        measure(args, args.history)
        return 0
    history = args.history or 1_000_000
    pairs = []
    for number in range(1, args.rounds + 1):
        if args.rounds > 1:
            print(f"=== round {number} of {args.rounds}")
        pairs.append((measure(args, 0), measure(args, history)))
    for number, (empty, full) in enumerate(pairs, 1):
        ratio = full["steps"] / empty["steps"] if empty["steps"] else float("nan")
        print(f"round {number}: empty {empty['steps']:.1f} steps/s ({empty['cases']:.2f} cases/s, "
              f"CPU probe {empty['probe']:.0f} ms); {history:,} history {full['steps']:.1f} steps/s "
              f"({full['cases']:.2f} cases/s, CPU probe {full['probe']:.0f} ms); ratio {ratio:.2f}; "
              f"CPU per step {empty['cpu_ms']:.0f} vs {full['cpu_ms']:.0f} ms "
              f"(ratio {empty['cpu_ms'] / full['cpu_ms']:.2f}); errors {empty['errors']} + {full['errors']}")
    empty_rate = sum(e["steps"] for e, _ in pairs) / len(pairs)
    full_rate = sum(f["steps"] for _, f in pairs) / len(pairs)
    ratio = full_rate / empty_rate if empty_rate else float("nan")
    verdict = "MET" if ratio >= TARGET else "NOT MET"
    print(f"throughput empty: {empty_rate:.1f} steps/s; {history:,} history: {full_rate:.1f} steps/s"
          + (f" (means of {len(pairs)} rounds)" if len(pairs) > 1 else ""))
    cpu_empty = sum(e["cpu_ms"] for e, _ in pairs) / len(pairs)
    cpu_full = sum(f["cpu_ms"] for _, f in pairs) / len(pairs)
    print(f"ratio {history:,} history / empty: {ratio:.2f} — target ≥ {TARGET:.0%}: {verdict} "
          "(compare the CPU probes: a slower probe means the machine, not the database, was busier)")
    print(f"CPU per step (app + PostgreSQL): empty {cpu_empty:.0f} ms, {history:,} history "
          f"{cpu_full:.0f} ms — throughput ratio on an otherwise idle machine ≈ "
          f"{cpu_empty / cpu_full:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
