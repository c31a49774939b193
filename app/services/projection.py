"""After every engine run: save the workflow state and project its ready user tasks."""
from __future__ import annotations

from sqlalchemy import select

from app.db.models import HumanTask, WorkflowState
from app.domain.roles import role_for_lane
from app.domain.vocab import FINAL_STATUSES

from . import audit


def save(command, workflow, completed_task_id: str | None = None) -> list[HumanTask]:
    """Write state, task projection and case status in the command's transaction."""
    case, session = command.case, command.session
    state = session.get(WorkflowState, case.id)
    dumped = command.rt.runner.dump(workflow)
    if state is None:
        session.add(WorkflowState(case_id=case.id, state=dumped))
    else:
        state.state = dumped

    views = command.rt.runner.ready_user_tasks(workflow)
    ready_ids = {view.id for view in views}
    open_rows = {row.id: row for row in session.scalars(
        select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "ready"))}
    for row_id, row in open_rows.items():
        if row_id not in ready_ids:
            row.status = "completed" if row_id == completed_task_id else "cancelled"
            row.completed_at = command.now
            if row_id == completed_task_id and command.actor:
                row.completed_by = command.actor.id
    created = []
    for view in views:
        if view.id in open_rows:
            continue
        role = role_for_lane(view.lane)
        row = HumanTask(
            id=view.id, case_id=case.id, spec_name=view.name, title=view.title, lane=view.lane,
            role=role, unit_id=case.unit_id if role == "unit" else None,
            enterprise_id=case.enterprise_id if role == "enterprise" else None,
            form=view.properties.get("formJsonSchemaFilename"), status="ready",
            red_list=case.red_list, created_at=command.now)
        session.add(row)
        created.append(row)
        audit.record(command, "task_opened", task_id=view.id, task_name=view.title,
                     after={"lane": view.lane, "role": role})

    if views:
        case.suggested_unit_code = views[0].data.get("suggested_unit") or case.suggested_unit_code
        case.status = views[0].properties.get("caseStatus", case.status)
        case.current_step = "、".join(view.title for view in views)[:200]
    else:
        case.current_step = None
        if workflow.completed and case.status not in FINAL_STATUSES:
            case.status = "closed"
            case.closed_at = case.closed_at or command.now
    case.updated_at = command.now
    return created
