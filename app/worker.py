"""Background worker: delivers the outbox. `flask qisu worker`, or in-process with `make run`.

Durable timers (deadlines) join this loop with the SLA work (issue 3).
"""
from __future__ import annotations

import logging
import threading

from .services.messages import LogSender, deliver_pending

log = logging.getLogger("qisu.worker")


def run_once(rt, sender=None) -> int:
    return deliver_pending(rt, sender or LogSender())


def run_forever(rt, stop: threading.Event, poll_seconds: float = 1.0, sender=None) -> None:
    log.info("worker started (poll %.1fs)", poll_seconds)
    while not stop.is_set():
        try:
            if run_once(rt, sender):
                continue  # more may be waiting
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
