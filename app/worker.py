"""Background worker: fires due timers, delivers the outbox, looks for surges (P18) and folds
recent writes into the process analytics rollup every minute.

`flask qisu worker` runs it as its own process (any number of them, on any number of machines);
`make run` starts it as a thread inside the web process. It sleeps until the next due timer or
the poll interval, whichever comes first. Every `QISU_SURGE_INTERVAL_MINUTES` (0: never) it starts
the surge detection in a thread of its own, so a slow detection never delays a timer; with several
workers, each runs it, and the alerts' unique (key, day) (and on PostgreSQL an advisory lock) keep
it to one alert and one notification.
"""
from __future__ import annotations

import logging
import threading
import time

from .db.session import is_unavailable
from .services.messages import LogSender, deliver_pending
from .services.timers import fire_due, next_due

log = logging.getLogger("qisu.worker")


def run_once(rt, sender=None) -> int:
    """One round: fire what is due, send what is queued. Returns the work done."""
    fired = fire_due(rt)
    sent = deliver_pending(rt, sender or LogSender())
    return fired + sent


MIN_SLEEP = 0.05  # after an idle round: a row another worker holds locked is "due" but not ours


def sleep_seconds(rt, poll_seconds: float) -> float:
    due = next_due(rt)
    if due is None:
        return poll_seconds
    return max(MIN_SLEEP, min(poll_seconds, (due - rt.clock.now()).total_seconds()))


PURGE_EVERY_SECONDS = 3600


def purge_if_due(rt, last: float) -> float:
    """Hourly housekeeping: stored Idempotency-Key results past their retention."""
    if time.monotonic() - last < PURGE_EVERY_SECONDS:
        return last
    from .services.idempotency import purge
    if count := purge(rt):
        log.info("purged %d idempotency keys", count)
    return time.monotonic()


FOLD_EVERY_SECONDS = 60


def fold_if_due(rt, last: float) -> float:
    """Every `analytics_fold_seconds` (60; 0: never): fold the cases written meanwhile into the
    process analytics rollup, so that a view finds little left to fold and a write to a case
    seldom waits for a long fold (app/services/analytics/rollup.py)."""
    every = float(rt.settings.get("analytics_fold_seconds", FOLD_EVERY_SECONDS))
    if every <= 0 or time.monotonic() - last < every:
        return last
    from .services.analytics.rollup import enabled, refresh
    if enabled(rt) and (count := refresh(rt)):
        log.debug("analytics rollup: %d case(s) folded", count)
    return time.monotonic()


class SurgeSchedule:
    """Starts `run_detection` in a background thread every `interval_minutes` (first: at once)."""

    def __init__(self, rt, interval_minutes: float | None = None, monotonic=time.monotonic):
        self.rt = rt
        minutes = rt.settings.get("surge_interval_minutes", 60) if interval_minutes is None \
            else interval_minutes
        self.interval = float(minutes) * 60
        self.monotonic = monotonic
        self.next_at = monotonic()
        self.thread: threading.Thread | None = None

    def tick(self) -> bool:
        """Start a detection if one is due and none is running; True when one was started."""
        if self.interval <= 0 or self.monotonic() < self.next_at:
            return False
        if self.thread is not None and self.thread.is_alive():
            return False
        self.next_at = self.monotonic() + self.interval
        self.thread = threading.Thread(target=self._run, name="qisu-surges", daemon=True)
        self.thread.start()
        return True

    def _run(self) -> None:
        from .services.signals.surges import run_detection
        try:
            created = run_detection(self.rt)
            if created:
                log.info("surge detection: %d new alert(s)", created)
        except Exception as err:  # the next interval retries
            if is_unavailable(err):
                log.warning("surge detection skipped: database unavailable")
            else:
                log.exception("surge detection failed")


BACKOFF_CAP_SECONDS = 5.0


class DatabaseOutage:
    """While the database is unreachable: one warning, then waits of 1×, 2×, 4× … the poll
    interval (at most `BACKOFF_CAP_SECONDS`); one info line when the database answers again
    (before its next full round, the worker asks it one cheap query)."""

    def __init__(self, poll_seconds: float, cap: float = BACKOFF_CAP_SECONDS):
        self.poll_seconds = max(poll_seconds, MIN_SLEEP)
        self.cap = max(cap, poll_seconds)
        self.failures = 0
        self.since = 0.0

    def failed(self, err: BaseException) -> float:
        """Record a failed round; the seconds to wait before the next one."""
        if self.failures == 0:
            self.since = time.monotonic()
            first = str(getattr(err, "orig", None) or err).strip().splitlines()
            log.warning("database unavailable, retrying (%s)", first[0][:200] if first else
                        type(err).__name__)
        delay = min(self.poll_seconds * 2 ** min(self.failures, 16), self.cap)
        self.failures += 1
        return delay

    def recovered(self) -> None:
        if self.failures:
            log.info("database available again after %.1f s (%d failed rounds)",
                     time.monotonic() - self.since, self.failures)
            self.failures = 0


def run_forever(rt, stop: threading.Event, poll_seconds: float = 1.0, sender=None) -> None:
    log.info("worker started (poll %.1fs)", poll_seconds)
    last_purge = -float(PURGE_EVERY_SECONDS)
    last_fold = time.monotonic()  # the first fold a minute after start
    surges = SurgeSchedule(rt)
    outage = DatabaseOutage(poll_seconds)
    while not stop.is_set():
        try:
            if outage.failures:
                next_due(rt)  # one cheap query: is the database back?
                outage.recovered()
            last_purge = purge_if_due(rt, last_purge)
            last_fold = fold_if_due(rt, last_fold)
            surges.tick()
            if run_once(rt, sender):
                continue  # more may be waiting
            stop.wait(sleep_seconds(rt, poll_seconds))
        except Exception as err:  # keep the worker alive; the next round retries
            if is_unavailable(err):
                stop.wait(outage.failed(err))  # one warning per outage, no traceback per round
                continue
            log.exception("worker round failed")
            stop.wait(poll_seconds)
    log.info("worker stopped")


def start_in_process(rt, poll_seconds: float = 1.0) -> threading.Event:
    stop = threading.Event()
    thread = threading.Thread(target=run_forever, args=(rt, stop, poll_seconds),
                              name="qisu-worker", daemon=True)
    thread.start()
    return stop
