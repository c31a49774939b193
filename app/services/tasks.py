"""Human tasks: list, claim, unclaim, complete (one command, one transaction)."""
from __future__ import annotations

from sqlalchemy import func, select, update

from app.clock import iso
from app.db.models import Case, HumanTask, WorkflowState
from app.domain.actor import Actor
from app.domain.errors import Conflict, NotFound
from app.engine.runner import TaskNotReady

from . import audit, projection
from .command import Command, running
from .forms import validate_form
from .runtime import Runtime
from .visibility import get_visible_case, get_visible_task, task_filter

SORTS = {"created_at": HumanTask.created_at.asc(), "-created_at": HumanTask.created_at.desc()}


def describe_task(task: HumanTask, case: Case | None = None, schema: dict | None = None) -> dict:
    data = {"id": task.id, "name": task.spec_name, "title": task.title, "lane": task.lane,
            "role": task.role, "status": task.status, "assignee_id": task.assignee_id,
            "red_list": task.red_list, "form": task.form, "created_at": iso(task.created_at),
            "completed_at": iso(task.completed_at)}
    if case is not None:
        data["case"] = {"number": case.number, "kind": case.kind, "status": case.status,
                        "domain": case.domain, "town": case.town,
                        "description": case.description[:200]}
    if schema is not None:
        data["form_schema"] = schema
    return data


def list_tasks(rt: Runtime, actor: Actor, *, scope: str = "all", status: str = "ready",
               name: str | None = None, case_number: str | None = None,
               sort: str = "created_at", page: int = 1, per_page: int = 20) -> dict:
    """My tasks and my groups' tasks; red-list first, then by `sort`."""
    with rt.uow() as uow:
        stmt = select(HumanTask, Case).join(Case, Case.id == HumanTask.case_id) \
            .where(task_filter(actor), HumanTask.status == status)
        if scope == "mine":
            stmt = stmt.where(HumanTask.assignee_id == actor.id)
        elif scope == "group":
            stmt = stmt.where(HumanTask.assignee_id.is_(None))
        if name:
            stmt = stmt.where(HumanTask.spec_name == name)
        if case_number:
            stmt = stmt.where(Case.number == case_number)
        total = uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
        stmt = stmt.order_by(HumanTask.red_list.desc(), SORTS[sort], HumanTask.id) \
            .offset((page - 1) * per_page).limit(per_page)
        items = [describe_task(t, c) for t, c in uow.session.execute(stmt)]
        return {"items": items, "total": total, "page": page, "per_page": per_page}


def get_task(rt: Runtime, actor: Actor, task_id: str) -> dict:
    with rt.uow() as uow:
        task = get_visible_task(uow.session, actor, task_id)
        case = uow.session.get(Case, task.case_id)
        bundle = rt.specs.get(uow.session, case.deployment_id)
        return describe_task(task, case, bundle.forms.get(task.form) if task.form else None)


def claim(rt: Runtime, actor: Actor, task_id: str) -> dict:
    with rt.uow() as uow:
        task = get_visible_task(uow.session, actor, task_id)
        _require_ready(task)
        if task.assignee_id == actor.id:
            return describe_task(task)
        result = uow.session.execute(
            update(HumanTask).where(HumanTask.id == task_id, HumanTask.assignee_id.is_(None),
                                    HumanTask.status == "ready").values(assignee_id=actor.id))
        if result.rowcount != 1:
            raise Conflict("该任务已被他人签收")
        case = uow.session.get(Case, task.case_id)
        command = Command(uow, rt, actor, case, rt.clock.now())
        audit.record(command, "claim", task_id=task.id, task_name=task.title)
        uow.commit()
        uow.session.refresh(task)
        return describe_task(task)


def unclaim(rt: Runtime, actor: Actor, task_id: str) -> dict:
    with rt.uow() as uow:
        task = get_visible_task(uow.session, actor, task_id)
        _require_ready(task)
        if task.assignee_id != actor.id:
            raise Conflict("只能退回自己签收的任务")
        result = uow.session.execute(
            update(HumanTask).where(HumanTask.id == task_id, HumanTask.assignee_id == actor.id)
            .values(assignee_id=None))
        if result.rowcount != 1:
            raise Conflict("任务状态已变化,请刷新")
        case = uow.session.get(Case, task.case_id)
        audit.record(Command(uow, rt, actor, case, rt.clock.now()), "unclaim",
                     task_id=task.id, task_name=task.title)
        uow.commit()
        uow.session.refresh(task)
        return describe_task(task)


def complete(rt: Runtime, actor: Actor, task_id: str, data: dict) -> dict:
    """Validate the form, run the engine to the next wait state, save everything, commit."""
    from .cases import describe_case
    with rt.uow() as uow:
        session = uow.session
        task = get_visible_task(session, actor, task_id)
        _require_ready(task)
        if task.assignee_id not in (None, actor.id):
            raise Conflict("该任务已由他人签收")
        case = session.get(Case, task.case_id)
        bundle = rt.specs.get(session, case.deployment_id)
        form_data = validate_form(bundle.forms.get(task.form) if task.form else None, data)
        state = session.get(WorkflowState, case.id)
        workflow = rt.runner.load(bundle, state.state)
        command = Command(uow, rt, actor, case, rt.clock.now())
        before = audit.snapshot(case)
        audit.record(command, "complete_task", task_id=task.id, task_name=task.title,
                     before=before, after={"data": form_data})
        with running(command):
            try:
                rt.runner.complete_user_task(workflow, task_id, form_data)
            except TaskNotReady:
                raise Conflict("任务已不在待办状态") from None
            projection.save(command, workflow, completed_task_id=task_id)
        uow.commit()
        return describe_case(session, case)


def complete_for_case(rt: Runtime, actor: Actor, number: str, spec_name: str, data: dict) -> dict:
    """Complete the open task `spec_name` of a case (e.g. the enterprise's rating)."""
    with rt.uow() as uow:
        case = get_visible_case(uow.session, actor, number)
        task = uow.session.scalar(select(HumanTask).where(
            HumanTask.case_id == case.id, HumanTask.spec_name == spec_name,
            HumanTask.status == "ready", task_filter(actor)))
        if task is None:
            raise Conflict("该诉求当前不在此环节")
        task_id = task.id
    return complete(rt, actor, task_id, data)


def _require_ready(task: HumanTask) -> None:
    if task.status != "ready":
        raise Conflict("任务已不在待办状态")
