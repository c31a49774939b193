"""The command being executed: what service-task actions see while the engine runs."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterator

from sqlalchemy import select

from app.db.models import Case, SlaClock
from app.db.uow import UnitOfWork
from app.domain.actor import Actor
from app.domain.errors import ProcessError
from app.domain.texts import msg
from app.engine.runner import ProcessFailure

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
    _clocks: list | None = None  # the case's SLA clock rows, read once per command
    # The engine's waiting timers (task id -> TimerView) when the command loaded the workflow;
    # the timer rows mirror them (projection), so the rows need no read: unchanged, nothing is
    # written; changed, only the changes (queued in `writes`: the command ends with
    # projection.flush).
    timers_before: dict | None = None
    # True: the case has a workflow_states row the command read as text (no ORM row):
    # projection.save keeps the new state in `new_state`, projection.flush writes it after the
    # case's update. False: a new case, no row yet. None: not known (read it).
    state_exists: bool | None = None
    new_state: str | None = None
    # A list: the trail entries wait here and go in one INSERT (projection.flush); None: each
    # entry is added to the session as it is recorded.
    trail: list | None = None
    # Core statements (statement, parameters) for projection.flush to run after the ORM flush.
    writes: list = field(default_factory=list)

    @property
    def session(self):
        return self.uow.session

    def clocks(self) -> list[SlaClock]:
        """The case's clock rows, oldest first: read once, then kept with the ones this command
        added (a clock action, the projection, the facts and the answer share one read)."""
        if self._clocks is None:
            with self.session.no_autoflush:
                self._clocks = list(self.session.scalars(select(SlaClock).where(
                    SlaClock.case_id == self.case.id).order_by(SlaClock.id)))
        return self._clocks

    def add_clock(self, row: SlaClock) -> None:
        """A new clock row: into the session and into `clocks()` (which holds it: the session
        alone would forget a flushed row nothing else refers to)."""
        self.clocks().append(row)
        self.session.add(row)


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
