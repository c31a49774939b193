#!/usr/bin/env python
"""PostgreSQL restarted under load: 503 while it is down, recovery by itself.

    .venv/bin/python bench/db_restart.py [--down 5] [--clients 8] [--web-workers 3] [--workers 1]
                                         [--timers 12] [--stop-mode fast|immediate] [--logs DIR]

Issue 6 (Faults): "PostgreSQL restarted under load: requests fail with 503 and a clear error
while it is down, and the service recovers by itself."

1. A private throwaway PostgreSQL cluster (bench/pg_cluster.py; never the shared server on 5432,
   which other people's tests use) gets database `qisu`: `flask qisu migrate`, `seed`, `deploy`.
2. Production processes against it, as bin/serve-prod starts them: gunicorn -c gunicorn.conf.py
   'app:create_app()' (--web-workers processes) and --workers `flask qisu worker` processes.
3. --timers cases are submitted and dispatched in this process with a shifted clock (like
   bench/timer_lateness.py) so that their response-warning timers fall due half during the
   planned outage and half in the 3 s after it.
4. --clients threads (bench/db_restart_load.py) run intake → GET case → task list → dispatch,
   with Idempotency-Key on both writes, retrying 503s and connection errors after 50 ms; a
   prober GETs /healthz every 0.2 s.
5. After --warmup seconds of load PostgreSQL is stopped (`pg_ctl stop -m fast`), left down for
   --down seconds, started again; the load goes on for --after seconds.
Printed (bench/db_restart_report.py): the answers during the outage, /healthz, recovery times,
totals, the idempotency check (every key with a 2xx made exactly one case; keys retried during
the outage replay the same case), the timers (each fired once) and the worker and gunicorn logs.
Exit status 1 when a check fails. Timings are from a shared 2-core machine: noisy.
"""
from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


from db_restart_load import Load  # noqa: E402
from db_restart_report import Outage, report  # noqa: E402
from pg_cluster import PgCluster, Unavailable  # noqa: E402
from serving import free_port, login, wait_ready  # noqa: E402

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    candidate = BIN / name
    return str(candidate if candidate.exists() else ROOT / ".venv" / "bin" / name)


def flask(env: dict, *args: str) -> None:
    done = subprocess.run([_tool("flask"), "--app", "app", "qisu", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"flask qisu {' '.join(args)} failed:\n{done.stderr[-2000:]}")


def spawn(command: list[str], env: dict, log_path: Path):
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in terminate()
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), log


def terminate(proc, log, timeout: float = 30) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait()
    log.close()
    return code


def make_timers(url: str, count: int, lead_s: float, down_s: float):
    """Submit and dispatch `count` cases whose response-warning timers fall due during and just
    after an outage that starts `lead_s` seconds from now. Returns (app, {timer_id: due_at}, stop_at
    as time.monotonic())."""
    from sqlalchemy import select

    from app import create_app
    from app.clock import SystemClock
    from app.db.models import Case, Timer
    from timer_lateness import TIMER, WARN_AFTER, OffsetClock, _actor, create_case, dispatch, real_now

    app = create_app({"TESTING": True, "DATABASE_URL": url, "QISU_AUTO_DEPLOY": False,
                      "SECRET_KEY": "bench"})
    rt = app.extensions["qisu"]
    agent, dispatcher = _actor(rt, "agent1"), _actor(rt, "dispatcher1")
    stop_wall, stop_at = real_now() + timedelta(seconds=lead_s), time.monotonic() + lead_s
    during = count // 2
    targets = [stop_wall + timedelta(seconds=down_s * (i + 0.5) / max(during, 1)) for i in range(during)]
    targets += [stop_wall + timedelta(seconds=down_s + 0.5 + 0.5 * i) for i in range(count - during)]
    clock = OffsetClock()
    rt.clock = clock
    numbers = []
    for i, target in enumerate(targets):
        clock.offset = timedelta(0)
        number = create_case(rt, agent, 1000 + i)
        clock.offset = WARN_AFTER - (target - real_now())  # dispatched "45 minutes before" target
        dispatch(rt, dispatcher, number)
        numbers.append(number)
    rt.clock = SystemClock()
    with rt.uow() as uow:
        ids = list(uow.session.scalars(select(Case.id).where(Case.number.in_(numbers))))
        timers = dict(uow.session.execute(select(Timer.id, Timer.due_at).where(
            Timer.case_id.in_(ids), Timer.name == TIMER)).all())
    return app, timers, stop_at


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--down", type=float, default=5.0, help="seconds PostgreSQL stays down (5)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn processes (3)")
    parser.add_argument("--workers", type=int, default=1, help="`flask qisu worker` processes (1)")
    parser.add_argument("--timers", type=int, default=12, help="timers due during/after (12)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load before (5)")
    parser.add_argument("--after", type=float, default=10.0, help="seconds of load after (10)")
    parser.add_argument("--stop-mode", default="fast", choices=("fast", "immediate"))
    parser.add_argument("--retry", type=float, default=0.05, help="client retry pause, s (0.05)")
    parser.add_argument("--logs", type=Path, default=None,
                        help="copy the gunicorn and worker logs into this directory")
    args = parser.parse_args(argv)
    logging.disable(logging.INFO)  # this process's own app (timer cases) logs nothing below WARNING

    try:
        pg = PgCluster()
    except Unavailable as err:
        print(f"skipped: {err}")
        return 0
    try:
        pg.init()
        pg.start()
    except Unavailable as err:
        pg.cleanup()
        print(f"skipped: {err}")
        return 0
    with tempfile.TemporaryDirectory(prefix="qisu-dbrestart-") as tmp, pg:
        tmpdir = Path(tmp)
        url = pg.create_database("qisu")
        env = {k: v for k, v in os.environ.items() if k != "QISU_INPROCESS_WORKER"}
        env |= {"DATABASE_URL": url, "SECRET_KEY": "bench-" + os.urandom(8).hex(),
                "QISU_LOG_FORMAT": "json", "QISU_AUTO_DEPLOY": "0", "FLASK_APP": "app"}
        setup_s = {}
        for step in ("migrate", "seed", "deploy"):
            started = time.monotonic()
            flask(env, step)
            setup_s[step] = time.monotonic() - started
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        web_env = env | {"QISU_BIND": f"127.0.0.1:{port}", "QISU_WEB_WORKERS": str(args.web_workers),
                         "PROMETHEUS_MULTIPROC_DIR": str(tmpdir / "prometheus")}
        web = spawn([_tool("gunicorn"), "-c", "gunicorn.conf.py", "app:create_app()"], web_env,
                    tmpdir / "gunicorn.log")
        worker_logs = [tmpdir / f"worker{n + 1}.log" for n in range(args.workers)]
        workers = [spawn([_tool("flask"), "--app", "app", "qisu", "worker"], env, path)
                   for path in worker_logs]
        outage = Outage(args=args, pg=pg, setup_s=setup_s)
        try:
            if not wait_ready(base, 90, also=lambda: all(
                    "worker started" in p.read_text(errors="replace") for p in worker_logs)):
                raise SystemExit("gunicorn or the worker not ready after 90 s")
            from app.demo.data import ENTERPRISES
            tokens = login(base, ("agent1", "dispatcher1"))
            load = Load(base, tokens, [e["credit_code"] for e in ENTERPRISES if not e["red_list"]],
                        retry_seconds=args.retry)
            made = time.monotonic()
            app, timers, stop_at = make_timers(url, args.timers, args.warmup + 0.3 * args.timers + 3,
                                               args.down)
            outage.timer_setup_s = time.monotonic() - made
            load.start(args.clients)
            outage.load_started = time.monotonic()
            time.sleep(max(0.0, stop_at - time.monotonic()))
            outage.run(pg)
            time.sleep(args.after)
            outage.stuck_threads = load.finish()
            outage.load_ended = time.monotonic()
            outage.worker_alive = [proc.poll() is None for proc, _ in workers]
            outage.web_alive = web[0].poll() is None
            failed = report(outage, load, app, timers, base, tmpdir)
        finally:
            outage.web_exit = terminate(*web)
            outage.worker_exit = [terminate(*w) for w in workers]
        failed += outage.log_checks(tmpdir)
        if args.logs:
            args.logs.mkdir(parents=True, exist_ok=True)
            for path in [tmpdir / "gunicorn.log", *worker_logs]:
                shutil.copy(path, args.logs / path.name)
            shutil.copy(pg.log, args.logs / "postgres.log")
        print("checks: " + ("all passed" if not failed else f"{len(failed)} FAILED: " + "; ".join(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
