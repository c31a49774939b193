#!/usr/bin/env python
"""Crash test: kill -9 web and worker processes under load, then check nothing was lost or doubled.

    .venv/bin/python bench/crash.py [--pg-url URL] [--db NAME] [--clients 20] [--duration 75]
                                    [--kills 8] [--timer-cases 20] [--web-workers 3] [--workers 2]

1. The PostgreSQL database NAME (default qisu_crash) on the server of --pg-url is dropped and
   created afresh; `flask qisu migrate`, `seed` and `deploy` run against it (DATABASE_URL).
2. gunicorn (`gunicorn.conf.py`, --web-workers processes) and --workers `flask qisu worker`
   processes start as subprocesses, each in a process group of its own, like bin/serve-prod
   (QISU_AUTO_DEPLOY=0, surge detection off).
3. The designer deploys, through POST /api/deployments like any rule change, one more rule at
   the top of sla.dmn: kind 建议 gets a 1-minute response limit with warn ratio 0.5. Short real
   timers need no settings override or app change: a timer case's response warning fires 30 s and
   its deadline 60 s after dispatch, by the workers' real clock.
4. --clients threads run case loops over HTTP (bench/crash_load.py); the first --timer-cases of
   them first submit and dispatch one 建议 case (spread over 15 s) and leave it, so its two timers
   fall due while processes are being killed. During --duration seconds, --kills times, SIGKILL
   hits (in turn, shuffled) the web process group (gunicorn master and workers), a worker
   process group, or one gunicorn worker process (its master forks a new one); a killed group
   is restarted 0.5–3 s later.
5. The clients stop at their next step boundary (a request being retried is finished first), so
   cases stay open at every step; the workers drain every due timer; everything stops with
   SIGTERM. bench/crash_checks.py then checks the database and prints the counts checked.

Exit status 1 when a check fails. `--client-timeout S` makes clients give up waiting (and retry)
after S seconds, so retries overlap requests still running. `--intake-without-key` is a control
run: intake retries go without an Idempotency-Key, and "intake exactly once" is expected to fail
when an intake committed but its answer never arrived (e.g. with `--client-timeout 0.5`). The database is left for inspection (dropped
by the next run).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from crash_load import TIMER_KIND, USERS, Stats, deploy_crash_rule, run_client  # noqa: E402
from serving import free_port, login, pg_database, wait_ready  # noqa: E402

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Processes:
    """The web server and the workers, each started in a process group of its own."""

    def __init__(self, url: str, port: int, web_workers: int, workers: int, logdir: Path):
        self.logdir = logdir
        self.env = dict(os.environ, DATABASE_URL=url, FLASK_APP="app", QISU_AUTO_DEPLOY="0",
                        SECRET_KEY="crash-test-" + os.urandom(8).hex(), QISU_LOG_FORMAT="text",
                        QISU_SURGE_INTERVAL_MINUTES="0", QISU_BIND=f"127.0.0.1:{port}",
                        QISU_WEB_WORKERS=str(web_workers),
                        # The bench deploys short deadlines on purpose (they break P5): its own
                        # throwaway database, so the designer's policy-check gate is off.
                        QISU_POLICY_GATE="0")
        for name in ("PROMETHEUS_MULTIPROC_DIR", "QISU_INPROCESS_WORKER"):
            self.env.pop(name, None)
        bindir = Path(sys.executable).parent
        self.commands = {"web": [str(bindir / "gunicorn"), "-c", "gunicorn.conf.py", "app:create_app()"]}
        for n in range(1, workers + 1):
            self.commands[f"worker{n}"] = [str(bindir / "flask"), "qisu", "worker"]
        self.procs: dict[str, subprocess.Popen] = {}
        self.starts: dict[str, int] = {}

    def flask(self, *args: str) -> str:
        done = subprocess.run([str(Path(sys.executable).parent / "flask"), "qisu", *args], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, check=True)
        return done.stdout.strip().splitlines()[0] if done.stdout.strip() else ""

    def start(self, name: str) -> None:
        self.starts[name] = self.starts.get(name, 0) + 1
        log = open(self.logdir / f"{name}.{self.starts[name]}.log", "w")  # noqa: SIM115
        self.procs[name] = subprocess.Popen(self.commands[name], cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def start_all(self) -> None:
        for name in self.commands:
            self.start(name)

    def kill(self, name: str) -> None:
        """SIGKILL the whole process group (gunicorn: master and its workers at once)."""
        proc = self.procs[name]
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()

    def kill_web_child(self, rng: random.Random) -> str:
        """SIGKILL one gunicorn worker process; the master forks a new one, the others serve on."""
        master = self.procs["web"].pid
        try:
            children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        except OSError:
            children = []
        if not children:
            return "no gunicorn worker to kill"
        pid = int(rng.choice(children))
        os.kill(pid, signal.SIGKILL)
        return f"pid {pid}"

    def stop_all(self) -> list[str]:
        notes = []
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for name, proc in self.procs.items():
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                notes.append(f"{name} ignored SIGTERM for 40 s")
        return notes

    def exited_by_themselves(self) -> list[str]:
        return [name for name, proc in self.procs.items() if proc.poll() is not None]


def kill_schedule(rng: random.Random, kills: int, duration: float, names: list[str]) -> list[tuple]:
    """(second, target): one kill in each of `kills` equal slots. Targets rotate (shuffled) over
    the web process group (master and workers), one gunicorn worker process ("web-child"), and a
    worker process group."""
    workers = [n for n in names if n != "web"]
    cycle = ("web", "worker", "web-child")
    targets = [cycle[i % 3] for i in range(kills)]
    targets = [rng.choice(workers) if t == "worker" else t for t in targets]
    rng.shuffle(targets)
    slot = duration / kills
    return [(slot * i + rng.uniform(0.15, 0.7) * slot, t) for i, t in enumerate(targets)]


def drain(url: str, timeout: float) -> tuple[int, float]:
    """Wait until the timer cases' response timers are due and no timer is waiting past its due
    time; (still overdue, seconds waited)."""
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    start = time.monotonic()
    try:
        with engine.connect() as conn:
            last = conn.execute(text(
                "SELECT max(t.due_at) FROM timers t JOIN cases c ON c.id = t.case_id WHERE "
                "c.kind = :kind AND t.name LIKE 'timer_response%'"), {"kind": TIMER_KIND}).scalar()
        while True:
            now = utcnow()
            with engine.connect() as conn:
                overdue = conn.execute(text("SELECT count(*) FROM timers WHERE status = 'waiting' "
                                            "AND due_at <= :now"), {"now": now}).scalar()
            if (overdue == 0 and (last is None or now > last)) or time.monotonic() - start > timeout:
                return overdue, time.monotonic() - start
            time.sleep(0.5)
    finally:
        engine.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="server (its database is only used "
                        "to create --db)")
    parser.add_argument("--db", default="qisu_crash", help="private database, dropped and recreated")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=75.0, help="seconds of load with kills")
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--timer-cases", type=int, default=20, help="cases whose 2 timers fire in the run")
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="web port (default: a free one)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--client-timeout", type=float, default=30.0,
                        help="seconds a client waits for an answer before it retries (default 30)")
    parser.add_argument("--intake-without-key", action="store_true",
                        help="control run: intakes are retried WITHOUT an Idempotency-Key (the key "
                             "stays in the description), so 'intake exactly once' should fail")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    rng = random.Random(seed)
    logdir = Path(tempfile.mkdtemp(prefix="qisu-crash-"))
    args.port = args.port or free_port()
    base = f"http://127.0.0.1:{args.port}"
    print(f"QiSu crash test: {args.clients} clients, {args.duration:.0f} s, {args.kills} kills, "
          f"{args.timer_cases} timer cases, gunicorn × {args.web_workers} + {args.workers} workers; "
          f"seed {seed}; logs {logdir}", flush=True)

    url = pg_database(args.pg_url, args.db)
    procs = Processes(url, args.port, args.web_workers, args.workers, logdir)
    for step in ("migrate", "seed", "deploy"):
        procs.flask(step)
    print(f"database {args.db}: fresh, migrated, seeded, deployed", flush=True)
    procs.start_all()
    try:
        if not wait_ready(base, 60, exited=lambda: procs.procs["web"].poll() is not None):
            raise RuntimeError(f"gunicorn not ready at {base} (see its log)")
        tokens = login(base, USERS)
        deployment = deploy_crash_rule(base, tokens["designer1"])
        print(f"deployment {deployment}: sla.dmn + rule {TIMER_KIND} → 1-minute response limit",
              flush=True)

        stats, stop = Stats(), threading.Event()
        stats.intake_keys = not args.intake_without_key
        stats.timeout = args.client_timeout
        spread = 15.0 / max(args.timer_cases, 1)
        threads = [threading.Thread(target=run_client, daemon=True, args=(
            i, base, tokens, stats, stop, i * spread if i < args.timer_cases else None, seed))
            for i in range(args.clients)]
        t0 = time.monotonic()
        for thread in threads:
            thread.start()
        events = []
        for at, target in kill_schedule(rng, args.kills, args.duration, list(procs.commands)):
            time.sleep(max(0.0, at - (time.monotonic() - t0)))
            if target == "web-child":
                events.append(f"{at:5.1f}s one gunicorn worker ({procs.kill_web_child(rng)})")
                continue
            procs.kill(target)
            pause = rng.uniform(0.5, 3.0)
            time.sleep(pause)
            procs.start(target)
            events.append(f"{at:5.1f}s {target} group (restarted after {pause:.1f}s)")
        time.sleep(max(0.0, args.duration - (time.monotonic() - t0)))
        stop.set()
        for thread in threads:
            thread.join(timeout=180)
        load_s = time.monotonic() - t0
        print(f"kills: {'; '.join(events)}", flush=True)
        overdue, drained_s = drain(url, 120)
        end_at = utcnow()
        died = procs.exited_by_themselves()
    finally:
        notes = procs.stop_all()
    counts = dict(sorted(stats.counts.items()))
    retries = sum(v for k, v in counts.items() if k.startswith("retried"))
    print(f"load: {load_s:.0f} s; {counts}; {retries} retries in all", flush=True)
    print(f"drain: {drained_s:.1f} s until no timer was past due ({overdue} still waiting)")
    for line in stats.errors + notes + [f"{n} exited by itself" for n in died]:
        print(f"  note: {line}")
    (logdir / "acks.json").write_text(json.dumps({"acks": stats.acks, "timer_cases": stats.timer_cases},
                                                 ensure_ascii=False))
    from crash_checks import run_checks
    ok = run_checks(url, stats.acks, stats.timer_cases, end_at, print)
    print(f"RESULT: {'all checks passed' if ok else 'CHECKS FAILED'} (database {args.db} kept for "
          "inspection; the next run drops it)")
    return 0 if ok and not stats.errors else 1


if __name__ == "__main__":
    sys.exit(main())
