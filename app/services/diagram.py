"""The BPMN diagram of a case: its deployment's processes and where the case stands in them.

For the case page: the main process and the processes it calls (the unit handling process), each
with the ids of its completed, current and overdue elements. The engine reads the case's task tree
(loaded with the deployment's cached specs, never re-parsed) into plain data
(`app/engine/diagram.py`: completed, current, stages overdue by a fired `timer_*_due` boundary
timer, the open user tasks with their stages); this module adds what the database knows:
- stages whose deadline has passed in the current round, from the case's latest clock rows
  (`sla_clocks`);
- the open user tasks inside an overdue stage or past their own deadline, and the call activity
  that runs them.
"""
from __future__ import annotations

from sqlalchemy import select

from app.db.models import Case, HumanTask, SlaClock, WorkflowState
from app.domain.actor import Actor
from app.engine.diagram import MARKS, diagram_state, drawing_process, drawn_names, element_names

from .runtime import Runtime
from .visibility import get_visible_case, staff_only

# The stage (embedded subprocess of unit_handling.bpmn) each deadline clock watches.
CLOCK_STAGES = {"response": "sp_response", "solution": "sp_solution", "resolution": "sp_handling"}


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


def deployment_names(rt: Runtime, deployment_id: int) -> dict:
    """What the case page shows by name for a deployment's ids: "fields" (form field titles,
    `unit_code` → 承办单位), "elements" (BPMN element names, `timer_response_due` → 响应超期) and
    "drawn" (every name written in its BPMN diagrams)."""
    with rt.uow() as uow:
        bundle = rt.specs.get(uow.session, deployment_id)
    titles: dict[str, str] = {}
    for schema in bundle.forms.values():
        for name, prop in (schema.get("properties") or {}).items():
            if isinstance(prop, dict) and prop.get("title"):
                titles.setdefault(name, prop["title"])
    return {"fields": titles, "elements": element_names(bundle), "drawn": drawn_names(bundle)}


def describe(case: Case, bundle, workflow, clocks: list[SlaClock], late_tasks: set[str],
             now) -> dict:
    state = diagram_state(bundle, workflow)
    marks = state.marks

    # The current round's clocks: the newest row of each clock.
    latest: dict[str, SlaClock] = {}
    for row in clocks:
        latest[row.clock] = row
    for clock, row in latest.items():
        late = row.outcome == "violated" or (row.outcome == "running" and row.met_at is None
                                             and now > row.due_at)
        process = drawing_process(bundle, CLOCK_STAGES.get(clock))
        if late and process is not None:
            marks[process]["overdue"].add(CLOCK_STAGES[clock])

    for task in state.open_user_tasks:
        if task.task_id in late_tasks or any(bpmn_id in marks[proc]["overdue"]
                                             for proc, bpmn_id in task.stages):
            marks[task.process]["overdue"].add(task.element_id)
            # ... and the call activity that runs it, in the calling process's diagram.
            for proc, bpmn_id in task.stages:
                if proc != task.process:
                    marks[proc]["overdue"].add(bpmn_id)

    result = {"number": case.number, "deployment_id": case.deployment_id, "processes": [],
              "completed": [], "current": [], "overdue": []}
    for process in state.processes:
        entry = dict(process)
        for key in MARKS:
            entry[key] = sorted(marks[process["process_id"]][key])
            result[key] = sorted(set(result[key]) | marks[process["process_id"]][key])
        result["processes"].append(entry)
    return result
