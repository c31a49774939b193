"""Where a case stands in its deployment's diagrams, read from the task tree, as plain data.

The diagrams drawn for a case are the main process and every process a call activity calls (the
unit handling process); each element id is marked in the diagram of the top-level process that
draws it. From the task tree:
- completed: elements with a COMPLETED task (any round), in the tree or compacted out of it
  (`qisu_done`, see app/engine/prune.py);
- current: the open user tasks and the stages (embedded subprocesses, call activities) that
  contain them;
- overdue: the stage a fired `timer_*_due` boundary timer is attached to, while it is still open.
The open user tasks are returned with their stages, so that a service can mark them overdue from
what it knows (deadline clocks, task due times).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity, SubWorkflowTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.util.task import TaskState

_NAME = re.compile(r' name="([^"]+)"')
OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED
MARKS = ("completed", "current", "overdue")


@dataclass(frozen=True)
class OpenUserTask:
    task_id: str
    process: str                       # the top-level process whose diagram draws it
    element_id: str
    stages: frozenset[tuple[str, str]]  # (drawing process, element id) of each stage containing it


@dataclass
class DiagramState:
    processes: list[dict]   # {"process_id", "name", "filename", "xml"}, main process first
    marks: dict[str, dict[str, set[str]]]  # process id -> "completed"/"current"/"overdue" -> ids
    open_user_tasks: list[OpenUserTask] = field(default_factory=list)


def top_processes(bundle) -> list:
    """The main process spec, then every process a call activity calls (in order found)."""
    specs = {bundle.spec.name: bundle.spec, **bundle.subprocess_specs}
    order, seen, queue = [bundle.spec.name], {bundle.spec.name}, [bundle.spec]
    while queue:
        spec = queue.pop(0)
        for task_spec in spec.task_specs.values():
            if isinstance(task_spec, SubWorkflowTask):
                target = specs.get(task_spec.spec)
                if target is None or target.name in seen:
                    continue
                seen.add(target.name)
                if isinstance(task_spec, CallActivity):
                    order.append(target.name)
                queue.append(target)
    return [specs[name] for name in order]


def element_names(bundle) -> dict[str, str]:
    """The name of each named element of the bundle's processes (`timer_response_due` → 响应超期)."""
    names: dict[str, str] = {}
    for spec in [bundle.spec, *bundle.subprocess_specs.values()]:
        for task_spec in spec.task_specs.values():
            bpmn_id = getattr(task_spec, "bpmn_id", None)
            if bpmn_id and getattr(task_spec, "bpmn_name", None):
                names.setdefault(bpmn_id, task_spec.bpmn_name)
    return names


def drawn_names(bundle) -> set[str]:
    """Every name written in the bundle's BPMN diagrams (elements, lanes, flows, processes)."""
    return {html.unescape(n) for filename, xml in bundle.files.items() if filename.endswith(".bpmn")
            for n in _NAME.findall(xml)}


def drawing_process(bundle, element_id: str | None) -> str | None:
    """The top-level process whose diagram shows `element_id` (None when none does)."""
    if element_id is None:
        return None
    processes = top_processes(bundle)
    for spec in [bundle.spec, *bundle.subprocess_specs.values()]:
        if element_id in spec.task_specs:
            for top in processes:
                if top.file == spec.file:
                    return top.name
    return None


def diagram_state(bundle, workflow) -> DiagramState:
    """The marks the task tree gives (nothing marked when `workflow` is None)."""
    processes = top_processes(bundle)
    marks = {p.name: {key: set() for key in MARKS} for p in processes}
    state = DiagramState(
        processes=[{"process_id": p.name, "name": p.description or p.name, "filename": p.file,
                    "xml": bundle.files.get(p.file, "")} for p in processes],
        marks=marks)
    if workflow is None:
        return state

    def owner(wf) -> str | None:
        """The top-level process (main or called) a (sub)workflow's elements are drawn in."""
        while wf is not None and wf.spec.name not in marks:
            wf = wf.parent_workflow
        return wf.spec.name if wf is not None else None

    def mark(wf, key: str, bpmn_id: str) -> None:
        process = owner(wf)
        if process is not None:
            marks[process][key].add(bpmn_id)

    _mark_compacted(bundle, processes, marks, getattr(workflow, "qisu_done", None) or {})
    for wf in [workflow, *workflow.subprocesses.values()]:
        if owner(wf) is None:
            continue
        for task in wf.get_tasks():
            bpmn_id = task.task_spec.bpmn_id
            if task.workflow is not wf or bpmn_id is None:
                continue
            if task.state == TaskState.COMPLETED:
                mark(wf, "completed", bpmn_id)
                if _fired_due_timer(task):
                    stage = _attached_task(task)
                    if stage is not None and stage.state & OPEN:
                        mark(stage.workflow, "overdue", stage.task_spec.bpmn_id)
            elif task.state & (TaskState.READY | TaskState.WAITING) and \
                    isinstance(task.task_spec, UserTask):
                stages = list(_ancestors(task))
                mark(wf, "current", bpmn_id)
                for parent in stages:
                    mark(parent.workflow, "current", parent.task_spec.bpmn_id)
                state.open_user_tasks.append(OpenUserTask(
                    task_id=str(task.id), process=owner(wf), element_id=bpmn_id,
                    stages=frozenset((owner(p.workflow), p.task_spec.bpmn_id) for p in stages)))
    return state


def _mark_compacted(bundle, processes, marks, done: dict) -> None:
    """Completed elements whose tasks the stored state no longer holds (app/engine/prune.py:
    {(sub)process spec name: task spec names}), marked in the diagram that draws them."""
    specs = {bundle.spec.name: bundle.spec, **bundle.subprocess_specs}
    for spec_name, names in done.items():
        spec = specs.get(spec_name)
        if spec is None:
            continue
        drawing = next((top.name for top in processes if top.file == spec.file), None)
        if spec_name in marks:
            drawing = spec_name
        if drawing is None:
            continue
        for name in names:
            task_spec = spec.task_specs.get(name)
            bpmn_id = getattr(task_spec, "bpmn_id", None)
            if bpmn_id is not None:
                marks[drawing]["completed"].add(bpmn_id)


def _ancestors(task):
    """The subprocess/call-activity tasks that contain `task`, innermost first."""
    wf = task.workflow
    while wf.parent_task_id is not None:
        parent = wf.top_workflow.get_task_from_id(wf.parent_task_id)
        if parent is None:
            break
        yield parent
        wf = parent.workflow


def _fired_due_timer(task) -> bool:
    spec = task.task_spec
    return isinstance(spec, BoundaryEvent) and \
        isinstance(spec.event_definition, TimerEventDefinition) and \
        spec.bpmn_id.startswith("timer_") and spec.bpmn_id.endswith("_due") and \
        task.parent is not None


def _attached_task(timer_task):
    """The activity a boundary timer is attached to: its sibling under the boundary split."""
    for sibling in timer_task.parent.children:
        spec = sibling.task_spec
        if sibling is not timer_task and spec.bpmn_id and not isinstance(spec, BoundaryEvent):
            return sibling
    return None
