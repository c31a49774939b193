"""The outage of bench/db_restart.py and what it prints and checks."""
from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

KEY = re.compile(r"断库演练 (c\d+-\d+):")


def wall():
    from timer_lateness import real_now
    return real_now()


@dataclass
class Outage:
    """Moments (time.monotonic and naive-UTC wall clock) of the stop and start of PostgreSQL."""
    args: object
    pg: object
    setup_s: dict = field(default_factory=dict)
    timer_setup_s: float = 0.0
    load_started: float = 0.0
    load_ended: float = 0.0
    stop_at: float = 0.0  # pg_ctl stop invoked
    down_at: float = 0.0  # pg_ctl stop returned: the server is gone
    start_at: float = 0.0  # pg_ctl start invoked
    up_at: float = 0.0  # pg_ctl start returned: accepting connections
    wall: dict = field(default_factory=dict)
    stuck_threads: list = field(default_factory=list)
    worker_alive: list = field(default_factory=list)
    web_alive: bool = False
    web_exit: int | None = None
    worker_exit: list = field(default_factory=list)

    def run(self, pg) -> None:
        self.stop_at, self.wall["stop"] = time.monotonic(), wall()
        pg.stop(self.args.stop_mode)
        self.down_at, self.wall["down"] = time.monotonic(), wall()
        time.sleep(self.args.down)
        self.start_at, self.wall["start"] = time.monotonic(), wall()
        pg.start()
        self.up_at, self.wall["up"] = time.monotonic(), wall()

    def log_checks(self, tmpdir: Path) -> list[str]:
        """Print and check the worker's and gunicorn's logs (after they stopped)."""
        failed = []
        for n, (alive, code) in enumerate(zip(self.worker_alive, self.worker_exit), 1):
            failed += self._worker_log(n, alive, code, tmpdir / f"worker{n}.log")
        text = (tmpdir / "gunicorn.log").read_text(errors="replace")
        boots = text.count("Booting worker")
        levels = Counter()
        for line in text.splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            message = str(entry.get("message", ""))
            levels[(entry.get("level"), "database unavailable" if message.startswith(
                "database unavailable") else message[:60])] += 1
        errors = {k: v for k, v in levels.items() if k[0] in ("ERROR", "CRITICAL")}
        tracebacks = text.count("Traceback")
        print(f"gunicorn: alive at the end: {'yes' if self.web_alive else 'NO'}; {boots} worker "
              f"process boots ({self.args.web_workers} processes: "
              f"{'none restarted' if boots == self.args.web_workers else 'SOME RESTARTED'}); "
              f"{tracebacks} tracebacks; error lines: "
              + (", ".join(f"{n}× {msg!r}" for (_, msg), n in sorted(errors.items(), key=lambda kv: -kv[1]))
                 or "none"))
        if not self.web_alive or boots != self.args.web_workers or tracebacks:
            failed.append("gunicorn: died, restarted a process or logged a traceback")
        if any(msg != "database unavailable" for _, msg in errors):
            failed.append("gunicorn logged errors other than 'database unavailable'")
        return failed

    @staticmethod
    def _worker_log(n: int, alive: bool, code: int, path: Path) -> list[str]:
        text = path.read_text(errors="replace")
        warn = text.count("database unavailable, retrying")
        again = text.count("database available again")
        tracebacks = text.count("Traceback")
        waits = re.findall(r"database available again after ([\d.]+) s \((\d+) failed rounds\)", text)
        print(f"worker {n}: alive at the end of the load: {'yes' if alive else 'NO'}; exit code "
              f"after SIGTERM {code}; log: {warn}× 'database unavailable, retrying', "
              f"{again}× 'database available again'"
              + (f" (after {waits[0][0]} s, {waits[0][1]} failed rounds)" if waits else "")
              + f", {tracebacks} tracebacks, 'worker stopped': {'yes' if 'worker stopped' in text else 'no'}")
        failed = [] if alive and code == 0 else [f"worker {n} died or exited with {code}"]
        if warn != 1 or again != 1 or tracebacks:
            failed.append(f"worker {n} log: {warn} warnings, {again} recoveries, {tracebacks} "
                          "tracebacks (expected 1, 1, 0)")
        return failed


def _summary(records) -> str:
    counts = Counter((r.status, r.code or r.error) for r in records)
    return ", ".join(f"{n}× {status or 'no answer'}{' ' + code if code else ''}"
                     for (status, code), n in counts.most_common()) or "none"


def report(o: Outage, load, app, timers: dict, base: str, tmpdir: Path) -> list[str]:
    failed: list[str] = []
    args = o.args
    records = list(load.records)
    print(f"QiSu PostgreSQL restart under load — private cluster {o.pg.bindir} port {o.pg.port}; "
          f"gunicorn {args.web_workers} processes (sync), {args.workers} `flask qisu worker`; {args.clients} "
          f"clients retrying 503s after {args.retry * 1000:.0f} ms; stop -m {args.stop_mode}")
    print("setup: " + ", ".join(f"flask qisu {k} {v:.1f} s" for k, v in o.setup_s.items())
          + f"; {len(timers)} timer cases "
          f"{o.timer_setup_s:.1f} s; load {o.stop_at - o.load_started:.1f} s before the stop, "
          f"{o.load_ended - o.up_at:.1f} s after the start")
    print(f"outage: stop took {o.down_at - o.stop_at:.2f} s, down {o.start_at - o.down_at:.2f} s, "
          f"start took {o.up_at - o.start_at:.2f} s")

    during = [r for r in records if r.t0 >= o.down_at and r.t1 <= o.start_at]
    edges = [r for r in records if r not in during and r.t1 > o.stop_at and r.t0 < o.up_at]
    ok_during = bool(during) and all(r.status == 503 and r.code == "database_unavailable" for r in during)
    print(f"requests during the outage (sent after the stop returned, answered before the start): "
          f"{len(during)}: {_summary(during)}; by kind {dict(Counter(r.kind for r in during))}")
    if during:
        ms = sorted((r.t1 - r.t0) * 1000 for r in during)
        print(f"      503 answered in p50 {ms[len(ms) // 2]:.0f} ms, max {ms[-1]:.0f} ms")
    print(f"requests overlapping the stop or the start: {len(edges)}: {_summary(edges)}")
    if not ok_during:
        failed.append("not every request during the outage was 503 database_unavailable")

    probes = [r for r in load.healthz if r.t0 >= o.down_at and r.t1 <= o.start_at]
    print(f"/healthz during the outage: {len(probes)} probes: {_summary(probes)}; whole run: "
          f"{len(load.healthz)} probes: {_summary(load.healthz)}")
    if not probes or any(r.status != 200 for r in load.healthz):
        failed.append("/healthz not always 200")

    ok_after = [r for r in records if r.status and 200 <= r.status < 300 and r.t1 >= o.start_at]
    firsts = {}
    for r in sorted(ok_after, key=lambda r: r.t1):
        firsts.setdefault(r.client, r.t1)
    if ok_after:
        first = min(firsts.values())
        print(f"recovery: first 2xx {first - o.up_at:.2f} s after pg_ctl start returned "
              f"({first - o.start_at:.2f} s after it was invoked); all {len(firsts)}/{args.clients} "
              f"clients succeeding again after {max(firsts.values()) - o.up_at:.2f} s; "
              f"503s after the start returned: {sum(1 for r in records if r.status == 503 and r.t0 >= o.up_at)}")
    if len(firsts) != args.clients:
        failed.append(f"only {len(firsts)}/{args.clients} clients succeeded after the restart")

    other_5xx = [r for r in records if r.status and r.status >= 500 and r.status != 503]
    no_answer = [r for r in records if r.status is None]
    client_4xx = [r for r in records if r.status and 400 <= r.status < 500]
    print(f"totals: {len(records)} requests: {_summary(records)}; 5xx other than 503: "
          f"{len(other_5xx)}; no answer (connection errors): {len(no_answer)}; 4xx: {len(client_4xx)}")
    if other_5xx or no_answer or client_4xx:
        failed.append("5xx other than 503, connection errors or 4xx seen")
    if o.stuck_threads:
        failed.append(f"client threads stuck: {o.stuck_threads}")

    failed += _idempotency(load, app, base)
    failed += _timers(o, app, timers)
    return failed


def _idempotency(load, app, base: str) -> list[str]:
    from sqlalchemy import func, select

    from app.db.models import Case
    rt = app.extensions["qisu"]
    with rt.uow() as uow:
        rows = uow.session.execute(select(Case.number, Case.description).where(
            Case.description.like("断库演练 %"))).all()
    made: dict[str, list[str]] = {}
    for number, description in rows:
        made.setdefault(KEY.match(description).group(1), []).append(number)
    ok = [k for k, numbers in load.keys.items() if made.get(k) == numbers[:1] and len(numbers) == 1]
    unanswered = [k for k in load.bodies if k not in load.keys]
    replay_ok, retried = 0, sorted(k for k in load.retried if k in load.keys)
    session = requests.Session()
    for key in retried:  # the same request again: the first result, not a second case
        raw = session.post(base + "/api/cases", json=load.bodies[key], timeout=30, headers={
            "Authorization": f"Bearer {load.tokens['agent1']}", "Idempotency-Key": key})
        if (raw.status_code == 201 and raw.json()["number"] == load.keys[key][0]
                and raw.headers.get("Idempotent-Replayed") == "true"):
            replay_ok += 1
    with rt.uow() as uow:
        after = uow.session.scalar(select(func.count()).select_from(Case).where(
            Case.description.like("断库演练 %")))
    duplicates = sum(1 for numbers in made.values() if len(numbers) > 1)
    print(f"idempotency: {len(load.keys)} keys answered 2xx → {len(ok)} with exactly one case, the "
          f"one answered; keys with several cases: {duplicates}; {len(unanswered)} keys never "
          f"answered 2xx (load stopped), {sum(1 for k in unanswered if k in made)} of them made a case; "
          f"{len(retried)} keys retried after 503/no answer, sent once more after the load: "
          f"{replay_ok} replayed the same case; cases before/after: {len(rows)}/{after}")
    failed = []
    if len(ok) != len(load.keys) or duplicates or replay_ok != len(retried) or after != len(rows):
        failed.append("idempotency")
    return failed


def _timers(o: Outage, app, timers: dict) -> list[str]:
    from sqlalchemy import func, select

    from app.db.models import AuditEvent, Timer
    rt = app.extensions["qisu"]
    deadline = time.monotonic() + 30
    while True:
        with rt.uow() as uow:
            rows = uow.session.execute(select(Timer.id, Timer.status, Timer.due_at, Timer.fired_at,
                                              Timer.task_id).where(Timer.id.in_(list(timers)))).all()
        if all(r.status != "waiting" for r in rows) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    with rt.uow() as uow:
        audits = dict(uow.session.execute(select(AuditEvent.task_id, func.count()).where(
            AuditEvent.action == "timer_fired", AuditEvent.task_id.in_([r.task_id for r in rows]))
            .group_by(AuditEvent.task_id)).all())
    during = [r for r in rows if o.wall["down"] <= r.due_at <= o.wall["up"]]
    after = [r for r in rows if r.due_at > o.wall["up"]]
    fired = [r for r in rows if r.status == "fired"]
    once = all(r.status == "fired" and audits.get(r.task_id) == 1 for r in rows)
    late_during = [(r.fired_at - o.wall["up"]).total_seconds() for r in during if r.fired_at]
    late_after = [(r.fired_at - r.due_at).total_seconds() for r in after if r.fired_at]
    print(f"timers: {len(rows)} ({len(during)} due during the outage, {len(after)} after, "
          f"{len(rows) - len(during) - len(after)} before); fired {len(fired)}/{len(rows)}, each "
          f"exactly once (status + one 'timer_fired' audit): {'YES' if once else 'NO'}; due during: "
          f"fired {max(late_during, default=float('nan')):.2f} s after the start at the latest; "
          f"due after: lateness max {max(late_after, default=float('nan')):.2f} s")
    return [] if once and rows else ["timers"]
