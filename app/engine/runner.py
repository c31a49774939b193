"""Drive SpiffWorkflow: start, load, complete user tasks, describe what is waiting."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from .actions import ActionRegistry
from .bundle import ParsedBundle
from .iteration import QisuWorkflow
from .sandbox import RestrictedEnvironment
from .sandbox_pool import SandboxLimitExceeded, SandboxLimits
from .timers import due_at
from .state import dump_state, load_state


class QisuScriptEngine(PythonScriptEngine):
    """Restricted scripts; service tasks dispatch to the action registry."""

    def __init__(self, actions: ActionRegistry, clock=None, limits: SandboxLimits | None = None):
        super().__init__(environment=RestrictedEnvironment(limits))
        self.actions = actions
        self.clock = clock

    def now(self) -> datetime:
        """Aware UTC 'now' of the application clock (timers compare against this)."""
        now = self.clock.now() if self.clock is not None else datetime.now(timezone.utc)
        return now if now.tzinfo else now.replace(tzinfo=timezone.utc)

    def call_service(self, task, operation_name=None, operation_params=None, **_kwargs):
        params = {name: p["value"] for name, p in (operation_params or {}).items()}
        result = self.actions.call(operation_name, params, task.data)
        return json.dumps(result, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class UserTaskView:
    id: str
    name: str            # BPMN element id
    title: str           # BPMN element name
    lane: str | None
    properties: dict[str, str]
    process_id: str
    data: dict[str, Any]  # the task's data (not copied): what the process knows at this step


class TaskNotReady(LookupError):
    pass


class ProcessFailure(Exception):
    """SpiffWorkflow raised while running the process (script error, bad expression, ...)."""

    def __init__(self, message: str, element_id: str | None = None, limit: bool = False):
        super().__init__(message)
        self.message = message
        self.element_id = element_id
        self.limit = limit  # the sandbox's CPU or memory limit stopped it


def _limit_exceeded(err: BaseException) -> SandboxLimitExceeded | None:
    seen = set()
    while err is not None and id(err) not in seen:
        if isinstance(err, SandboxLimitExceeded):
            return err
        seen.add(id(err))
        err = getattr(err, "exception", None) or err.__cause__ or err.__context__
    return None


@contextmanager
def _engine_errors():
    try:
        yield
    except SpiffWorkflowException as err:
        task = getattr(err, "task", None)
        element = task.task_spec.bpmn_id if task is not None else getattr(err, "id", None)
        if (limit := _limit_exceeded(err)) is not None:
            raise ProcessFailure(str(limit), element, limit=True) from err
        raise ProcessFailure(str(err).split("\n")[0], element) from err


@dataclass(frozen=True)
class TimerView:
    task_id: str
    name: str                # BPMN element id of the timer event
    due_at: datetime         # naive UTC


class WorkflowRunner:
    def __init__(self, actions: ActionRegistry, clock=None, limits: SandboxLimits | None = None):
        self.script_engine = QisuScriptEngine(actions, clock, limits)

    @property
    def clock(self):
        return self.script_engine.clock

    @clock.setter
    def clock(self, clock) -> None:
        self.script_engine.clock = clock

    def start(self, bundle: ParsedBundle, data: dict[str, Any]) -> BpmnWorkflow:
        workflow = QisuWorkflow(bundle.spec, bundle.subprocess_specs, script_engine=self.script_engine)
        start = workflow.task_tree
        # Seed the process variables on the start task so every later task inherits them.
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        start.data.update(data)
        with _engine_errors():
            workflow.do_engine_steps()
        return workflow

    def load(self, bundle: ParsedBundle, state: str) -> BpmnWorkflow:
        return load_state(state, bundle.spec, bundle.subprocess_specs, self.script_engine)

    @staticmethod
    def dump(workflow: BpmnWorkflow) -> str:
        return dump_state(workflow)

    @staticmethod
    def ready_user_tasks(workflow: BpmnWorkflow) -> list[UserTaskView]:
        views = []
        for task in workflow.get_tasks(state=TaskState.READY, manual=True):
            spec = task.task_spec
            if not isinstance(spec, UserTask):
                continue
            views.append(UserTaskView(
                id=str(task.id), name=spec.bpmn_id, title=spec.bpmn_name or spec.bpmn_id,
                lane=spec.lane, properties=dict(spec.extensions.get("properties", {})),
                process_id=task.workflow.spec.name, data=task.data))
        return views

    def complete_user_task(self, workflow: BpmnWorkflow, task_id: str, data: dict[str, Any]) -> None:
        try:
            task = workflow.get_task_from_id(UUID(task_id))
        except Exception:  # unknown or malformed id: SpiffWorkflow raises its own lookup error
            task = None
        if task is None or task.state != TaskState.READY or not isinstance(task.task_spec, UserTask):
            raise TaskNotReady(task_id)
        task.data.update(data)
        with _engine_errors():
            task.run()
            workflow.do_engine_steps()

    @staticmethod
    def waiting_timers(workflow: BpmnWorkflow) -> list[TimerView]:
        views = []
        for task in workflow.get_tasks(state=TaskState.WAITING):
            definition = getattr(task.task_spec, "event_definition", None)
            if isinstance(definition, TimerEventDefinition):
                due = due_at(task)
                if due is not None:
                    views.append(TimerView(str(task.id), task.task_spec.bpmn_id,
                                           due.replace(tzinfo=None)))
        return views

    def fire_timers(self, workflow: BpmnWorkflow) -> None:
        """Let every timer whose time has come (by the app clock) fire, and run on."""
        with _engine_errors():
            workflow.refresh_timers()
            workflow.do_engine_steps()

    def signal(self, workflow: BpmnWorkflow, catcher: str, data: dict[str, Any]) -> bool:
        """Deliver the event the waiting element `catcher` listens for, with `data` on it.

        Returns False when nothing in the workflow is waiting at `catcher`."""
        for task in workflow.get_tasks(state=TaskState.WAITING):
            if task.task_spec.bpmn_id == catcher:
                task.data.update(data)
                with _engine_errors():
                    workflow.catch(BpmnEvent(task.task_spec.event_definition, payload=data))
                    workflow.do_engine_steps()
                return True
        return False

    @staticmethod
    def waiting_data(workflow: BpmnWorkflow, catcher: str) -> dict[str, Any] | None:
        """The data of the element `catcher` while it waits for its event (what the process knows
        there, e.g. the rule table's outputs); None when it is not waiting."""
        for task in workflow.get_tasks(state=TaskState.WAITING):
            if task.task_spec.bpmn_id == catcher:
                return dict(task.data)
        return None

    @staticmethod
    def move_timers(workflow: BpmnWorkflow, due_by_element: dict[str, str]) -> int:
        """Give waiting timer events new due times (ISO 8601); returns how many moved."""
        moved = 0
        for task in workflow.get_tasks(state=TaskState.WAITING):
            value = due_by_element.get(task.task_spec.bpmn_id)
            if value is not None:
                task._set_internal_data(event_value=value)
                moved += 1
        return moved

    @staticmethod
    def finished(workflow: BpmnWorkflow) -> bool:
        """Whether the process has ended."""
        return workflow.completed

    @staticmethod
    def task_completed(workflow: BpmnWorkflow, task_id: str) -> bool:
        """Whether task `task_id` completed (False when it is no longer in the tree: its activity
        completed or was cancelled)."""
        try:
            task = workflow.get_task_from_id(UUID(task_id))
        except Exception:  # removed from the tree
            return False
        return task is not None and task.state == TaskState.COMPLETED

    @staticmethod
    def data(workflow: BpmnWorkflow) -> dict[str, Any]:
        """The data of the most recently completed task (what the process knows now)."""
        last = workflow.last_task
        return dict(last.data) if last is not None else dict(workflow.data)

