"""The command being executed: what service-task actions see while the engine runs."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterator

from app.db.batch import WriteBatch
from app.db.models import Case, SlaClock
from app.db.uow import UnitOfWork
from app.domain.actor import Actor
from app.domain.errors import ProcessError
from app.domain.texts import msg
from app.engine.runner import ProcessFailure

from . import clock_rows
from .runtime import Runtime


@dataclass
class Command:
    uow: UnitOfWork
    rt: Runtime
    actor: Actor | None
    case: Case
    now: datetime
    workflow: Any = None  # set while the engine runs, for actions that adjust waiting timers
    state: Any = None     # the WorkflowState row, when the command loaded it
    open_tasks: Any = None  # the case's ready HumanTask rows, when the command loaded them
    # Trail entries of timers announced before the engine fires them (projection.announce_timers)
    timer_events: dict = field(default_factory=dict)
    # The case's SLA clocks, read once per command (or with the command's first query: use_clocks)
    # as detached rows: actions change them freely, `projection.flush` writes what changed.
    _clocks: list | None = None
    _clocks_read: dict = field(default_factory=dict)  # clock_rows.snapshot: values as read
    # The engine's waiting timers (task id -> TimerView) when the command loaded the workflow;
    # the timer rows mirror them (projection), so the rows need no read: unchanged, nothing is
    # written; changed, only the changes (queued in `writes`: the command ends with
    # projection.flush).
    timers_before: dict | None = None
    # True: the case has a workflow_states row the command read as text (no ORM row):
    # projection.save queues the new state in `writes`, projection.flush writes it after the
    # case's update. False: a new case, no row yet. None: not known (read it).
    state_exists: bool | None = None
    # A list: the trail entries wait here and go in one INSERT (projection.flush); None: each
    # entry is added to the session as it is recorded.
    trail: list | None = None
    # Row writes for projection.flush to send after the ORM flush (one statement on PostgreSQL).
    writes: WriteBatch = field(default_factory=WriteBatch)
    _held: list = field(default_factory=list)  # see `hold`

    def __post_init__(self):
        # The unit of work refuses to commit while a batch of the session is unsent
        self.uow.session.info.setdefault("qisu_batches", []).append(self.writes)
        if self._clocks is not None:
            self.use_clocks(self._clocks)

    @property
    def session(self):
        return self.uow.session

    def hold(self, row):
        """Keep `row` (e.g. a unit an action looked up) in the session for the whole command:
        the session's identity map holds rows weakly, and the answer reads it again."""
        self._held.append(row)
        return row

    def clocks(self) -> list[SlaClock]:
        """The case's clock rows, oldest first: read once, then kept with the ones this command
        added (a clock action, the projection, the facts and the answer share one read)."""
        if self._clocks is None:
            self.use_clocks(clock_rows.read(self.session, self.case.id))
        return self._clocks

    def use_clocks(self, rows: list[SlaClock]) -> None:
        """The case's clocks as the command read them (detached rows, oldest first)."""
        self._clocks = list(rows)
        self._clocks_read = clock_rows.snapshot(self._clocks)

    def add_clock(self, row: SlaClock) -> None:
        """A new clock: written by `projection.flush` with the values it has by then."""
        self.clocks().append(row)

    def queue_clock_writes(self) -> None:
        """New and changed clocks into the command's write batch."""
        if self._clocks is not None:
            clock_rows.queue(self.writes, self._clocks, self._clocks_read)
            self._clocks_read = clock_rows.snapshot(self._clocks)


_current: ContextVar[Command] = ContextVar("qisu_command")


@contextmanager
def running(command: Command) -> Iterator[Command]:
    """Run the engine for `command`: actions see it; process failures become ProcessError."""
    token = _current.set(command)
    try:
        yield command
    except ProcessFailure as err:
        message = msg("process.failed_at", "流程执行出错(流程元素 {element}): {error}",
                      element=err.element_id, error=err.message) if err.element_id else \
            msg("process.failed", "流程执行出错: {error}", error=err.message)
        raise ProcessError(message,
                           fields={err.element_id or "process": [err.message]}) from err
    finally:
        _current.reset(token)


def current_for(session, case_id: int) -> Command | None:
    """The running command of case `case_id` in `session`, if any."""
    command = _current.get(None)
    if command is not None and command.session is session and command.case.id == case_id:
        return command
    return None


def current() -> Command:
    try:
        return _current.get()
    except LookupError:
        raise RuntimeError("service-task actions run only inside a command") from None
