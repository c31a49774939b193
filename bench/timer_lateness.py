#!/usr/bin/env python
"""Timer lateness: how long after its due time the real worker fires a timer.

    .venv/bin/python bench/timer_lateness.py [--cases N] [--spread S] [--wait W] [--pg-url URL]

Requirement (issue): "A timer fires within 2 seconds of its due time under normal load (the
worker sleeps until the next due time or a short poll, not a fixed minute)."

For each database (a fresh temporary SQLite file; with --pg-url also a private PostgreSQL
database, created and dropped like bench/loop_rate.py does), migrated, seeded and deployed:

1. N cases are submitted and dispatched through the service (app.services.intake.submit_case and
   app.services.tasks.complete_for_case, like tests/integration/test_timer_workers.py). While each
   is dispatched, the app clock runs behind real time by an offset chosen for that case, so that
   its first timer — the response warning, 45 minutes (75% of the 60-minute response time limit)
   after dispatch — is stored with a due_at at a real-time moment; the N due times are spread
   evenly over S seconds (default 200 over 20 s), starting once creation and worker start-up
   are expected to be over (estimated from the warm-up cases: 1.5 × the creation time
   they predict plus --startup seconds, default 5).
2. The runtime clock is switched back to the real clock (app.clock.SystemClock) and the real
   worker is started as separate process(es): `.venv/bin/flask --app app qisu worker` with
   DATABASE_URL set and QISU_AUTO_DEPLOY=0. The script polls the timers table until all those
   timers fired (or W seconds passed) and stops the worker(s) with SIGTERM.
3. Lateness = timers.fired_at − timers.due_at (both naive UTC; fired_at is the worker's clock when
   it claimed the timer, i.e. the start of the firing transaction). Printed: fired/expected, p50,
   p90, p99, max (ms) and whether p99 < 2 s; also how late the poller *saw* the commit (poll
   resolution 50 ms), which includes the firing transaction itself.

On PostgreSQL a second run uses 2 worker processes and checks that each timer fired once: status
fired, and the audit_events 'timer_fired' rows equal the fired timers, one per timer.

Timings only; nothing asserts on them. Run it alone (the test suite on the same machine or the same
PostgreSQL server distorts the figures).
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from loop_rate import _versions, build_app, fresh_postgres, postgres_unavailable  # noqa: E402

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TIMER = "timer_response_warn"
WARN_AFTER = timedelta(minutes=45)  # sla.dmn default rule: 60 natural minutes × warn_ratio 0.75
TARGET_SECONDS = 2.0
WARMUP_CASES = 4


def real_now() -> datetime:
    """Naive UTC, like app.clock.SystemClock."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class OffsetClock:
    """The app clock, `offset` behind real time (set per case while it is created)."""

    def __init__(self):
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return real_now() - self.offset


def _actor(rt, username):
    from sqlalchemy import select

    from app.db.models import User
    from app.services import auth
    with rt.uow() as uow:
        user_id = uow.session.scalar(select(User.id).where(User.username == username))
    return auth.actor_by_id(rt, user_id)


def _plain_enterprises():
    from app.demo.data import ENTERPRISES
    return [e for e in ENTERPRISES if not e["red_list"]]  # red list: 30-minute response limit


def create_case(rt, agent, i: int) -> str:
    """Submit one case (general matter, not red-listed: 60-minute response limit)."""
    from app.services import intake
    plain = _plain_enterprises()
    number = intake.submit_case(rt, agent, {
        "kind": "求助", "description": f"第{i}件:员工社保转移办理咨询",
        "credit_code": plain[i % len(plain)]["credit_code"], "domain": "劳动和社会保障"})["number"]
    return number


def dispatch(rt, dispatcher, number: str) -> None:
    from app.services import tasks
    tasks.complete_for_case(rt, dispatcher, number, "dispatch",
                            {"unit_code": "rsj", "override_reason": "人社业务"})


def percentile(ordered: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _flask() -> str:
    candidate = Path(sys.executable).parent / "flask"
    return str(candidate if candidate.exists() else ROOT / ".venv" / "bin" / "flask")


def start_workers(url: str, count: int, logdir: Path, poll: float | None) -> list[tuple]:
    env = dict(os.environ, DATABASE_URL=url, QISU_AUTO_DEPLOY="0", QISU_LOG_LEVEL="INFO")
    env.pop("QISU_INPROCESS_WORKER", None)
    command = [_flask(), "--app", "app", "qisu", "worker"]
    if poll is not None:
        command += ["--poll", str(poll)]
    workers = []
    for n in range(count):
        log_path = logdir / f"worker{n + 1}.log"
        log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop_workers
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        workers.append((proc, log, log_path))
    return workers


def wait_started(workers, timeout: float = 30.0) -> float | None:
    """Seconds until every worker logged "worker started" (None if one did not in time)."""
    start = time.monotonic()
    pending = {w[2] for w in workers}
    while pending and time.monotonic() - start < timeout:
        for path in list(pending):
            if "worker started" in path.read_text(encoding="utf-8", errors="replace"):
                pending.discard(path)
        if any(proc.poll() is not None for proc, _, _ in workers):
            return None
        time.sleep(0.02)
    return None if pending else time.monotonic() - start


def stop_workers(workers) -> list[str]:
    """SIGTERM each worker (ours, by pid), wait; return problems seen in their logs."""
    for proc, _, _ in workers:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    notes = []
    for n, (proc, log, path) in enumerate(workers, 1):
        try:
            code = proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
            notes.append(f"worker {n} ignored SIGTERM for 15 s and was killed")
        log.close()
        text = path.read_text(encoding="utf-8", errors="replace")
        if code != 0:
            notes.append(f"worker {n} exit code {code}")
        if "worker stopped" not in text:
            notes.append(f"worker {n} did not log 'worker stopped'")
        for marker in ("Traceback", "ERROR", "WARNING", "conflicted", "dropped"):
            hits = text.count(marker)
            if hits:
                first = next(line for line in text.splitlines() if marker in line)
                notes.append(f"worker {n} log: {hits}× {marker!r}, first: {first.strip()[:160]}")
    return notes


def pg_transactions(url: str) -> int | None:
    """Committed + rolled-back transactions of this PostgreSQL database so far (pg_stat_database).

    Read from a fresh connection after the others closed (a backend flushes its counts on exit)."""
    if not url.startswith("postgresql"):
        return None
    from sqlalchemy import create_engine, text
    time.sleep(1.0)  # let exiting backends flush their statistics
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT xact_commit + xact_rollback FROM pg_stat_database "
                                     "WHERE datname = current_database()")).scalar()
    finally:
        engine.dispose()


def run(url: str, label: str, args, workers_count: int, logdir: Path) -> list[str]:
    from sqlalchemy import func, select

    from app.clock import SystemClock
    from app.db.models import AuditEvent, Case, Timer

    app = build_app(url)
    rt = app.extensions["qisu"]
    bind = rt.session_factory.kw["bind"]
    lines: list[str] = []
    try:
        agent, dispatcher = _actor(rt, "agent1"), _actor(rt, "dispatcher1")
        # Warm-up with the real clock (spec parse, caches); their timers are 45 min away.
        dispatch(rt, dispatcher, create_case(rt, agent, -1))
        start = time.perf_counter()  # the first case parsed the deployment: not timed
        for i in range(1, WARMUP_CASES):
            dispatch(rt, dispatcher, create_case(rt, agent, -1 - i))
        per_case = (time.perf_counter() - start) / (WARMUP_CASES - 1)
        # Due times: after the expected creation time (with slack) and worker start-up.
        lead = timedelta(seconds=args.cases * per_case * 1.5 + args.startup)
        anchor = real_now() + lead
        step = timedelta(seconds=args.spread / max(args.cases - 1, 1))
        clock = OffsetClock()
        rt.clock = clock
        numbers = []
        start = time.perf_counter()
        for i in range(args.cases):
            clock.offset = timedelta(0)
            number = create_case(rt, agent, i)
            target = anchor + i * step
            clock.offset = WARN_AFTER - (target - real_now())  # dispatch "now" = target − 45 min
            dispatch(rt, dispatcher, number)
            numbers.append(number)
        created_s = time.perf_counter() - start
        rt.clock = SystemClock()

        with rt.uow() as uow:
            s = uow.session
            ids = list(s.scalars(select(Case.id).where(Case.number.in_(numbers))))
            timers = dict(s.execute(select(Timer.id, Timer.due_at).where(
                Timer.case_id.in_(ids), Timer.name == TIMER, Timer.status == "waiting")).all())
            waiting_all = s.scalar(select(func.count()).select_from(Timer).where(Timer.status == "waiting"))
        expected = len(timers)
        created_at = real_now()
        first_due, last_due = min(timers.values()), max(timers.values())

        bind.dispose()
        txns_before = pg_transactions(url)
        polls = 0
        workers = start_workers(url, workers_count, logdir, args.poll)
        ready_s = wait_started(workers)
        ready_at = real_now()
        seen: dict[int, datetime] = {}
        deadline = time.monotonic() + args.wait
        try:
            while len(seen) < expected and time.monotonic() < deadline:
                if any(proc.poll() is not None for proc, _, _ in workers):
                    break
                with rt.uow() as uow:
                    rows = uow.session.scalars(select(Timer.id).where(
                        Timer.id.in_(list(timers)), Timer.status != "waiting"))
                    now = real_now()
                    for timer_id in rows:
                        seen.setdefault(timer_id, now)
                polls += 1
                time.sleep(0.05)
        finally:
            notes = stop_workers(workers)
        bind.dispose()
        txns_after = pg_transactions(url)

        with rt.uow() as uow:
            s = uow.session
            rows = s.execute(select(Timer.id, Timer.status, Timer.due_at, Timer.fired_at, Timer.task_id)
                             .where(Timer.id.in_(list(timers)))).all()
            fired = [r for r in rows if r.status == "fired"]
            statuses = {}
            for r in rows:
                statuses[r.status] = statuses.get(r.status, 0) + 1
            audits = dict(s.execute(select(AuditEvent.task_id, func.count()).where(
                AuditEvent.action == "timer_fired", AuditEvent.case_id.in_(ids))
                .group_by(AuditEvent.task_id)).all())
            other_fired = s.scalar(select(func.count()).select_from(Timer).where(
                Timer.status == "fired", ~Timer.id.in_(list(timers))))

        lateness = sorted((r.fired_at - r.due_at).total_seconds() * 1000 for r in fired)
        observed = sorted((seen[r.id] - r.due_at).total_seconds() * 1000 for r in fired if r.id in seen)
        ahead_ms = (first_due - ready_at).total_seconds() * 1000
        lines.append(f"{label}: {workers_count} worker process(es); {expected} timers {TIMER} due "
                     f"{(last_due - first_due).total_seconds():.1f} s apart end to end; "
                     f"{waiting_all} timers waiting in all")
        lines.append(f"      setup: {args.cases} cases created+dispatched in {created_s:.1f} s "
                     f"({1000 * created_s / args.cases:.0f} ms/case); first due "
                     f"{(first_due - created_at).total_seconds():.1f} s after creation ended; workers "
                     + (f"ready {ready_s:.1f} s after launch, first due {ahead_ms / 1000:.1f} s later"
                        if ready_s is not None else "NOT ready (see notes)"))
        early = sum(1 for due in timers.values() if due < ready_at)
        if early:
            lines.append(f"      note: {early} timers were due before the workers were ready "
                         "(their lateness includes start-up)")
        if lateness:
            p99 = percentile(lateness, 99)
            lines.append(f"      fired {len(fired)}/{expected}; lateness fired_at − due_at: "
                         f"p50 {percentile(lateness, 50):.0f} ms, p90 {percentile(lateness, 90):.0f} ms, "
                         f"p99 {p99:.0f} ms, max {lateness[-1]:.0f} ms, min {lateness[0]:.0f} ms; "
                         f"p99 < {TARGET_SECONDS:.0f} s: {'YES' if p99 < TARGET_SECONDS * 1000 else 'NO'}")
        else:
            lines.append(f"      fired 0/{expected}; no lateness to report")
        if observed:
            lines.append(f"      commit seen by the poller (50 ms polls) − due_at: p50 "
                         f"{percentile(observed, 50):.0f} ms, p99 {percentile(observed, 99):.0f} ms, "
                         f"max {observed[-1]:.0f} ms")
        once = (statuses.get("fired", 0) == expected
                and sum(audits.values()) == len(fired)
                and set(audits) == {r.task_id for r in fired}
                and set(audits.values()) <= {1})
        lines.append(f"      each timer fired once: {'YES' if once else 'NO'} (timer status "
                     f"{dict(sorted(statuses.items()))}; audit 'timer_fired' {sum(audits.values())} rows "
                     f"for {len(audits)} timers, max {max(audits.values(), default=0)} per timer; "
                     f"other timers fired: {other_fired})")
        if txns_before is not None and txns_after is not None:
            # minus the poller's read-only transactions and the first statistics read
            worker_txns = txns_after - txns_before - polls - 1
            lines.append(f"      PostgreSQL transactions by the worker(s) while running: ≈{worker_txns} "
                         f"(≈{worker_txns / max(len(fired), 1):.1f} per fired timer)")
        for note in notes:
            lines.append(f"      {note}")
    finally:
        bind.dispose()
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=200, help="cases (timers) per run (default 200)")
    parser.add_argument("--spread", type=float, default=20.0,
                        help="seconds over which the due times are spread (default 20)")
    parser.add_argument("--startup", type=float, default=5.0,
                        help="seconds allowed for the worker to start after creation (default 5)")
    parser.add_argument("--wait", type=float, default=60.0,
                        help="longest wait for the timers after starting the worker (default 60)")
    parser.add_argument("--poll", type=float, default=None,
                        help="worker --poll (default: the app's QISU_TIMER_POLL_SECONDS)")
    parser.add_argument("--pg-url", default=None,
                        help=f"PostgreSQL server, e.g. {DEFAULT_PG_URL}; each run creates and drops "
                             "a private database there (or resets schema public if it may not)")
    args = parser.parse_args(argv)
    logging.disable(logging.INFO)

    out = print
    out(f"QiSu timer lateness — {args.cases} timers due over {args.spread:.0f} s; real worker "
        f"`flask qisu worker`{f' --poll {args.poll}' if args.poll else ''}; {_versions()}")
    with tempfile.TemporaryDirectory(prefix="qisu-timers-") as tmp:
        tmpdir = Path(tmp)
        sqlite_dir = tmpdir / "sqlite"
        sqlite_dir.mkdir()
        for line in run("sqlite:///" + str(sqlite_dir / "bench.db"), "SQLite", args, 1, sqlite_dir):
            out(line)
        out("      database: fresh temporary SQLite file; migrated, seeded, deployed")
        if not args.pg_url:
            out("PostgreSQL skipped: no --pg-url given")
            return 0
        reason = postgres_unavailable(args.pg_url)
        if reason is not None:
            out(f"PostgreSQL skipped: {reason}")
            return 0
        for workers in (1, 2):
            logdir = tmpdir / f"pg{workers}"
            logdir.mkdir()
            with fresh_postgres(args.pg_url) as (pg_url, how):
                lines = run(pg_url, "PostgreSQL", args, workers, logdir)
            for line in lines:
                out(line)
            out(f"      database: {how}; migrated, seeded, deployed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
