"""Background worker: fires due timers and delivers the outbox.

`flask qisu worker` runs it as its own process (any number of them, on any number of machines);
`make run` starts it as a thread inside the web process. It sleeps until the next due timer or
the poll interval, whichever comes first.
"""
from __future__ import annotations

import logging
import threading
import time

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


def run_forever(rt, stop: threading.Event, poll_seconds: float = 1.0, sender=None) -> None:
    log.info("worker started (poll %.1fs)", poll_seconds)
    last_purge = -float(PURGE_EVERY_SECONDS)
    while not stop.is_set():
        try:
            last_purge = purge_if_due(rt, last_purge)
            if run_once(rt, sender):
                continue  # more may be waiting
            stop.wait(sleep_seconds(rt, poll_seconds))
        except Exception:  # keep the worker alive; the next round retries
            log.exception("worker round failed")
            stop.wait(poll_seconds)
    log.info("worker stopped")


def start_in_process(rt, poll_seconds: float = 1.0) -> threading.Event:
    stop = threading.Event()
    thread = threading.Thread(target=run_forever, args=(rt, stop, poll_seconds),
                              name="qisu-worker", daemon=True)
    thread.start()
    return stop
