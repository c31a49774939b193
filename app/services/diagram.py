"""The BPMN diagram of a case: its deployment's processes and where the case stands in them.

For the case page: the main process and the processes it calls (the unit handling process), each
with the ids of its completed, current and overdue elements, computed from the case's workflow
state (loaded with the deployment's cached specs, never re-parsed).

- completed: elements with a COMPLETED task (any round);
- current: the open user tasks and the stages (embedded subprocesses, call activities) that
  contain them;
- overdue: stages whose deadline has passed in the current round — from the case's latest clock
  rows (`sla_clocks`) and from fired `timer_*_due` boundary timers whose stage is still open —
  and the open user tasks inside them or past their own deadline.
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity, SubWorkflowTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from app.db.models import Case, HumanTask, SlaClock, WorkflowState
from app.domain.actor import Actor

from .runtime import Runtime
from .visibility import get_visible_case, staff_only

# The stage (embedded subprocess of unit_handling.bpmn) each deadline clock watches.
CLOCK_STAGES = {"response": "sp_response", "solution": "sp_solution", "resolution": "sp_handling"}
OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def case_diagram(rt: Runtime, actor: Actor, number: str) -> dict:
    """For staff and units; an enterprise gets 404 (its P17 view is `progress`)."""
    staff_only(actor)
    with rt.uow() as uow:
        session = uow.session
        case = get_visible_case(session, actor, number)
        bundle = rt.specs.get(session, case.deployment_id)
        state = session.get(WorkflowState, case.id)
        workflow = rt.runner.load(bundle, state.state) if state is not None else None
        clocks = list(session.scalars(select(SlaClock).where(SlaClock.case_id == case.id)
                                      .order_by(SlaClock.id)))
        late_tasks = set(session.scalars(select(HumanTask.id).where(
            HumanTask.case_id == case.id, HumanTask.status == "ready",
            HumanTask.due_at.is_not(None), HumanTask.due_at < rt.clock.now())))
        return describe(case, bundle, workflow, clocks, late_tasks, rt.clock.now())


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


def describe(case: Case, bundle, workflow, clocks: list[SlaClock], late_tasks: set[str],
             now) -> dict:
    processes = top_processes(bundle)
    names = [p.name for p in processes]
    marks = {name: {"completed": set(), "current": set(), "overdue": set()} for name in names}

    def owner(wf) -> str | None:
        """The top-level process (main or called) a (sub)workflow's elements are drawn in."""
        while wf is not None and wf.spec.name not in marks:
            wf = wf.parent_workflow
        return wf.spec.name if wf is not None else None

    def ancestors(task):
        """The subprocess/call-activity tasks that contain `task`, innermost first."""
        wf = task.workflow
        while wf.parent_task_id is not None:
            parent = wf.top_workflow.get_task_from_id(wf.parent_task_id)
            if parent is None:
                break
            yield parent
            wf = parent.workflow

    open_user_tasks = []
    if workflow is not None:
        for wf in [workflow, *workflow.subprocesses.values()]:
            process = owner(wf)
            if process is None:
                continue
            for task in wf.get_tasks():
                if task.workflow is not wf:
                    continue
                bpmn_id = task.task_spec.bpmn_id
                if bpmn_id is None:
                    continue
                if task.state == TaskState.COMPLETED:
                    marks[process]["completed"].add(bpmn_id)
                    if _fired_due_timer(task):
                        stage = _attached_task(task)
                        if stage is not None and stage.state & OPEN:
                            marks[owner(stage.workflow)]["overdue"].add(stage.task_spec.bpmn_id)
                elif task.state & (TaskState.READY | TaskState.WAITING) and \
                        isinstance(task.task_spec, UserTask):
                    open_user_tasks.append(task)
                    marks[process]["current"].add(bpmn_id)
                    for parent in ancestors(task):
                        marks[owner(parent.workflow)]["current"].add(parent.task_spec.bpmn_id)

    # The current round's clocks: the newest row of each clock.
    latest: dict[str, SlaClock] = {}
    for row in clocks:
        latest[row.clock] = row
    for clock, row in latest.items():
        late = row.outcome == "violated" or (row.outcome == "running" and row.met_at is None
                                             and now > row.due_at)
        process = _process_drawing(bundle, processes, CLOCK_STAGES.get(clock))
        if late and process is not None:
            marks[process]["overdue"].add(CLOCK_STAGES[clock])

    for task in open_user_tasks:
        process = owner(task.workflow)
        stage_ids = {(owner(p.workflow), p.task_spec.bpmn_id) for p in ancestors(task)}
        if str(task.id) in late_tasks or any(bpmn_id in marks[proc]["overdue"]
                                             for proc, bpmn_id in stage_ids):
            marks[process]["overdue"].add(task.task_spec.bpmn_id)
            # ... and the call activity that runs it, in the calling process's diagram.
            for proc, bpmn_id in stage_ids:
                if proc != process:
                    marks[proc]["overdue"].add(bpmn_id)

    result = {"number": case.number, "deployment_id": case.deployment_id, "processes": [],
              "completed": [], "current": [], "overdue": []}
    for spec in processes:
        entry = {"process_id": spec.name, "name": spec.description or spec.name,
                 "filename": spec.file,
                 "xml": bundle.files.get(spec.file, "")}
        for key in ("completed", "current", "overdue"):
            entry[key] = sorted(marks[spec.name][key])
            result[key] = sorted(set(result[key]) | marks[spec.name][key])
        result["processes"].append(entry)
    return result


def _process_drawing(bundle, processes, element_id: str | None) -> str | None:
    """The top-level process whose diagram shows `element_id` (None when none does)."""
    if element_id is None:
        return None
    for spec in [bundle.spec, *bundle.subprocess_specs.values()]:
        if element_id in spec.task_specs:
            for top in processes:
                if top.file == spec.file:
                    return top.name
    return None


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
