"""The worker while the database is down: one warning (no traceback per round), waits of 1×, 2×,
4× the poll interval capped at 5 s, and one line when the database answers again.

No timing: the stop event is scripted and records the waits the worker asks for."""
from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError

from app.worker import BACKOFF_CAP_SECONDS, DatabaseOutage, run_forever


class FlakyRuntime:
    """The test runtime, except that `uow()` fails like a refused connection while `down`."""

    def __init__(self, rt):
        self._rt = rt
        self.down = False
        self.settings = {**rt.settings, "surge_interval_minutes": 0}  # no surge thread

    def uow(self):
        if self.down:
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError(
                "connection failed: Connection refused\n\tIs the server running?"))
        return self._rt.uow()

    def __getattr__(self, name):
        return getattr(self._rt, name)


class ScriptedStop:
    """Stands in for the worker's stop event: `script(n)` runs at the n-th wait (1-based)
    and returns True to stop the worker."""

    def __init__(self, script):
        self.script = script
        self.waits: list[float] = []
        self.stopped = False

    def is_set(self) -> bool:
        return self.stopped

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        self.stopped = bool(self.script(len(self.waits)))
        return self.stopped


def _worker_lines(caplog):
    return [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records
            if r.name == "qisu.worker" and not r.getMessage().startswith("worker st")]


def test_one_warning_backoff_and_one_recovery_line(rt, caplog):
    flaky = FlakyRuntime(rt)
    flaky.down = True

    def script(n):
        if n == 7:
            flaky.down = False  # the 8th round reaches the database again
        return n == 8  # the wait after the first good round (nothing due: the poll interval)

    stop = ScriptedStop(script)
    with caplog.at_level(logging.INFO, logger="qisu.worker"):
        run_forever(flaky, stop, poll_seconds=1.0)
    assert stop.waits == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0, 5.0, 1.0]
    lines = _worker_lines(caplog)
    assert [(level, message.split(" (")[0].split(" after")[0]) for level, message, _ in lines] == [
        ("WARNING", "database unavailable, retrying"), ("INFO", "database available again")]
    assert "Connection refused" in lines[0][1] and "\n" not in lines[0][1]
    assert all(exc_info is None for _, _, exc_info in lines)  # no traceback
    assert "7 failed rounds" in lines[1][1]


def test_a_second_outage_warns_again_and_starts_the_backoff_over(rt, caplog):
    flaky = FlakyRuntime(rt)
    flaky.down = True
    outages = {1: False, 2: True, 4: False}  # at the n-th wait: down from the next round on

    def script(n):
        if n in outages:
            flaky.down = outages[n]
        return n == 5

    stop = ScriptedStop(script)
    with caplog.at_level(logging.INFO, logger="qisu.worker"):
        run_forever(flaky, stop, poll_seconds=0.5)
    # down, up (nothing due: poll), down, down, up
    assert stop.waits == [0.5, 0.5, 0.5, 1.0, 0.5]
    levels = [(level, message[:23]) for level, message, _ in _worker_lines(caplog)]
    assert levels == [("WARNING", "database unavailable, r"), ("INFO", "database available agai"),
                      ("WARNING", "database unavailable, r"), ("INFO", "database available agai")]


def test_the_backoff_doubles_from_the_poll_interval_and_is_capped():
    err = OperationalError("SELECT 1", {}, Exception("refused"))
    outage = DatabaseOutage(0.25)
    assert [outage.failed(err) for _ in range(8)] == [0.25, 0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    assert BACKOFF_CAP_SECONDS == 5.0
    outage.recovered()
    assert outage.failed(err) == 0.25
    assert DatabaseOutage(10.0).failed(err) == 10.0  # a poll longer than the cap is kept


def test_other_errors_still_log_a_traceback_and_wait_one_poll(rt, caplog, monkeypatch):
    import app.worker as worker

    def broken(*_args, **_kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr(worker, "run_once", broken)
    stop = ScriptedStop(lambda n: n == 2)
    with caplog.at_level(logging.INFO, logger="qisu.worker"):
        run_forever(FlakyRuntime(rt), stop, poll_seconds=1.0)
    assert stop.waits == [1.0, 1.0]
    errors = [r for r in caplog.records if r.name == "qisu.worker" and r.levelname == "ERROR"]
    assert len(errors) == 2 and errors[0].exc_info is not None
