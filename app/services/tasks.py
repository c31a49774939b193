"""Human tasks: list, claim, unclaim, complete (one command, one transaction)."""
from __future__ import annotations

from sqlalchemy import case as sa_case, func, or_, select, update

from app.clock import iso
from app.db.models import Case, Enterprise, HumanTask, Unit, WorkflowState
from app.domain.actor import Actor
from app.domain.errors import Conflict
from app.domain.texts import msg
from app.engine.runner import TaskNotReady

from app import metrics

from . import audit, clock_rows, form_rules, idempotency, projection, worklist
from .command import Command, running
from .forms import validate_form
from .idempotency import IdempotencyRequest
from .runtime import Runtime
from .task_context import task_context
from .visibility import (case_filter, get_visible_case, get_visible_task, sees_progress_only,
                         task_filter)

SORTS = {"created_at": HumanTask.created_at.asc(), "-created_at": HumanTask.created_at.desc(),
         # Deadline first; tasks without a deadline last (portable NULLS LAST).
         "due_at": (HumanTask.due_at.is_(None), HumanTask.due_at.asc())}


def describe_task(task: HumanTask, case: Case | None = None, schema: dict | None = None,
                  now=None, context: dict | None = None) -> dict:
    data = {"id": task.id, "name": task.spec_name, "title": task.title, "lane": task.lane,
            "role": task.role, "status": task.status, "assignee_id": task.assignee_id,
            "red_list": task.red_list, "form": task.form, "created_at": iso(task.created_at),
            "completed_at": iso(task.completed_at), "deadline_clock": task.deadline_clock,
            "due_at": iso(task.due_at), "seconds_left": None, "overdue": False}
    if task.due_at is not None and now is not None and task.status == "ready":
        data["seconds_left"] = int((task.due_at - now).total_seconds())
        data["overdue"] = now > task.due_at
    if case is not None:
        data["case"] = {"number": case.number, "kind": case.kind, "status": case.status,
                        "domain": case.domain, "town": case.town,
                        "description": case.description[:200]}
    if schema is not None:
        data["form_schema"] = schema
    if context is not None:
        data["context"] = context
    return data


def list_tasks(rt: Runtime, actor: Actor, *, scope: str = "all", status: str = "ready",
               name: str | None = None, case_number: str | None = None,
               sort: str = "created_at", page: int = 1, per_page: int = 20,
               after: str | None = None) -> dict:
    """My tasks and my groups' tasks; red-list first, then by `sort`. Ready tasks are read along
    an index and counted up to worklist.COUNT_CAP (`total_capped`); `next` continues after the
    page's last row (pass it as `after`)."""
    with rt.uow() as uow:
        extra = [HumanTask.spec_name == name] if name else []
        if scope == "group":
            extra.append(HumanTask.assignee_id.is_(None))
        if status == "ready" and not case_number:
            rows, cursor = worklist.ready_page(uow.session, actor, scope, extra, sort, page,
                                               per_page, after)
            total, capped = worklist.ready_count(uow.session, actor, scope, extra)
        else:  # one case's tasks, or finished work: a plain ordered query
            rows, cursor, total, capped = _other_page(uow.session, actor, scope, status, extra,
                                                      case_number, sort, page, per_page)
        now = rt.clock.now()
        items = [shown_to(actor, describe_task(row.HumanTask, row.Case, now=now)) for row in rows]
        return {"items": items, "total": total, "total_capped": capped, "page": page,
                "per_page": per_page, "next": cursor}


def _other_page(session, actor, scope, status, extra, case_number, sort, page, per_page):
    filters = [task_filter(actor), HumanTask.status == status, *extra]
    if scope == "mine":
        filters.append(HumanTask.assignee_id == actor.id)
    if case_number:
        filters.append(Case.number == case_number)
    order = SORTS[sort] if isinstance(SORTS[sort], tuple) else (SORTS[sort],)
    base = select(HumanTask, Case).join(Case, Case.id == HumanTask.case_id).where(*filters)
    rows = session.execute(base.order_by(HumanTask.red_list.desc(), *order, HumanTask.id)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    cap = worklist.COUNT_CAP
    total = session.scalar(select(func.count()).select_from(
        base.with_only_columns(HumanTask.id).limit(cap + 1).subquery()))
    return rows, None, min(total, cap), total > cap


def get_task(rt: Runtime, actor: Actor, task_id: str) -> dict:
    with rt.uow() as uow:
        task = get_visible_task(uow.session, actor, task_id)
        case = uow.session.get(Case, task.case_id)
        bundle = rt.specs.get(uow.session, case.deployment_id)
        return shown_to(actor, describe_task(
            task, case, bundle.forms.get(task.form) if task.form else None,
            now=rt.clock.now(), context=task_context(uow.session, task, actor.role)))


def shown_to(actor: Actor, task: dict) -> dict:
    """P17: an enterprise's own task (评价) without the staff's red-list mark."""
    if sees_progress_only(actor):
        task.pop("red_list", None)
    return task


def next_task_in_case(rt: Runtime, actor: Actor, number: str) -> dict | None:
    """The open task of case `number` that `actor` can work on next (in their queue and not
    claimed by someone else), oldest first; None when the case has none for them."""
    with rt.uow() as uow:
        row = uow.session.execute(
            select(HumanTask, Case).join(Case, Case.id == HumanTask.case_id)
            .where(Case.number == number, HumanTask.status == "ready", task_filter(actor),
                   or_(HumanTask.assignee_id.is_(None), HumanTask.assignee_id == actor.id))
            .order_by(HumanTask.created_at, HumanTask.id).limit(1)).first()
        return describe_task(row.HumanTask, row.Case, now=rt.clock.now()) if row else None


def claim(rt: Runtime, actor: Actor, task_id: str) -> dict:
    with rt.uow() as uow:
        task = get_visible_task(uow.session, actor, task_id)
        _require_ready(task)
        if task.assignee_id == actor.id:
            return shown_to(actor, describe_task(task))
        result = uow.session.execute(
            update(HumanTask).where(HumanTask.id == task_id, HumanTask.assignee_id.is_(None),
                                    HumanTask.status == "ready").values(assignee_id=actor.id))
        if result.rowcount != 1:
            raise Conflict(msg("task.taken", "该任务已被他人签收"))
        case = uow.session.get(Case, task.case_id)
        command = Command(uow, rt, actor, case, rt.clock.now())
        audit.record(command, "claim", task_id=task.id, task_name=task.title)
        uow.commit()
        uow.session.refresh(task)
        return shown_to(actor, describe_task(task))


def unclaim(rt: Runtime, actor: Actor, task_id: str) -> dict:
    with rt.uow() as uow:
        task = get_visible_task(uow.session, actor, task_id)
        _require_ready(task)
        if task.assignee_id != actor.id:
            raise Conflict(msg("task.not_yours", "只能退回自己签收的任务"))
        result = uow.session.execute(
            update(HumanTask).where(HumanTask.id == task_id, HumanTask.assignee_id == actor.id)
            .values(assignee_id=None))
        if result.rowcount != 1:
            raise Conflict(msg("task.changed", "任务状态已变化，请刷新"))
        case = uow.session.get(Case, task.case_id)
        audit.record(Command(uow, rt, actor, case, rt.clock.now()), "unclaim",
                     task_id=task.id, task_name=task.title)
        uow.commit()
        uow.session.refresh(task)
        return shown_to(actor, describe_task(task))


def complete(rt: Runtime, actor: Actor, task_id: str, data: dict,
             idem: IdempotencyRequest | None = None) -> dict:
    """Validate the form, run the engine to the next wait state, save everything, commit.
    With `idem`, the result is stored under its key in the same transaction."""
    with rt.uow() as uow:
        key_row = idempotency.claim(uow, rt, idem)
        case_of_task = (select(HumanTask.case_id).where(HumanTask.id == task_id).correlate(None)
                        .scalar_subquery())
        loaded = _load(uow.session, actor, HumanTask.case_id == case_of_task,
                       HumanTask.id == task_id, rt.workflows.known_version(task_id))
        task = next((row.HumanTask for row in loaded if row.HumanTask.id == task_id and row.visible),
                    None)
        if task is None:  # unknown, done or not mine: 404, or 409 below
            task = get_visible_task(uow.session, actor, task_id)
            return _complete(uow, rt, actor, task, data, key_row=key_row)
        return _complete(uow, rt, actor, task, data, loaded, key_row)


def complete_for_case(rt: Runtime, actor: Actor, number: str, spec_name: str, data: dict,
                      idem: IdempotencyRequest | None = None) -> dict:
    """Complete the open task `spec_name` of a case (e.g. the enterprise's rating).
    With `idem`, the result is stored under its key in the same transaction."""
    with rt.uow() as uow:
        key_row = idempotency.claim(uow, rt, idem)
        loaded = _load(uow.session, actor, (Case.number == number) & case_filter(actor),
                       HumanTask.spec_name == spec_name, rt.workflows.known_version(number))
        task = next((row.HumanTask for row in loaded
                     if row.HumanTask.spec_name == spec_name and row.visible), None)
        if task is None:
            get_visible_case(uow.session, actor, number)  # 404 when not there for `actor`
            raise Conflict(msg("task.wrong_step", "该诉求当前不在此环节"))
        return _complete(uow, rt, actor, task, data, loaded, key_row)


def _load(session, actor: Actor, which, target, cached_version: int | None = None) -> list:
    """One round trip for a completion: the case's open tasks (marked whether `actor` may act on
    each), the case with its enterprise and unit, its SLA clocks and the workflow state — the
    last two in the row of the `target` task only, so a case with several open tasks carries
    them once; the state not at all when the case is at `cached_version` (its workflow is in
    rt.workflows)."""
    with_state = target if cached_version is None else target & (Case.version != cached_version)
    clocks = clock_rows.json_column(session.bind.dialect.name)
    return session.execute(
        select(HumanTask, task_filter(actor).label("visible"), Case, Enterprise, Unit,
               sa_case((with_state, WorkflowState.state)).label("state"),
               sa_case((target, clocks)).label("clocks"))
        .join(Case, Case.id == HumanTask.case_id)
        .join(WorkflowState, WorkflowState.case_id == Case.id)
        .join(Enterprise, Enterprise.id == Case.enterprise_id)
        .outerjoin(Unit, Unit.id == Case.unit_id)
        .where(which, HumanTask.status == "ready")).all()


def _complete(uow, rt: Runtime, actor: Actor, task: HumanTask, data: dict,
              loaded: list | None = None, key_row=None) -> dict:
    from .cases import describe_case
    session = uow.session
    _require_ready(task)
    if task.assignee_id not in (None, actor.id):
        raise Conflict(msg("task.claimed", "该任务已由他人认领"))
    workflow = None
    if loaded:  # the case, its open tasks and its state text from `_load`
        case = loaded[0].Case
        target_row = next(row for row in loaded if row.HumanTask is task)
        state_text, clocks = target_row.state, clock_rows.from_json(target_row.clocks)
        open_rows = [row.HumanTask for row in loaded]
        if state_text is None:  # left out: the case is at the cached workflow's version
            workflow = rt.workflows.take(case.id, case.version, task.id)
            if workflow is None:  # taken meanwhile, or another case's: read the state after all
                state_text = session.scalar(select(WorkflowState.state)
                                            .where(WorkflowState.case_id == case.id))
    else:  # the case and its workflow state (and its reference rows) in one round trip
        case, state_row, _enterprise, _unit = session.execute(
            select(Case, WorkflowState, Enterprise, Unit)
            .join(WorkflowState, WorkflowState.case_id == Case.id)
            .join(Enterprise, Enterprise.id == Case.enterprise_id)
            .outerjoin(Unit, Unit.id == Case.unit_id).where(Case.id == task.case_id)).one()
        state_text, open_rows, clocks = state_row.state, None, None
    bundle = rt.specs.get(session, case.deployment_id)
    form_data = validate_form(bundle.forms.get(task.form) if task.form else None, data)
    now = rt.clock.now()
    if workflow is None:
        workflow = rt.runner.load(bundle, state_text)
    command = Command(uow, rt, actor, case, now, workflow, None, open_rows,
                      timers_before={v.task_id: v for v in rt.runner.waiting_timers(workflow)},
                      state_exists=True, trail=[], _clocks=clocks)
    with running(command):  # the form rules read the clocks through the command too
        form_rules.check(form_rules.RuleContext(session, rt.settings, case, task, now), task.form,
                         form_data)
        audit.record(command, "complete_task", task_id=task.id, task_name=task.title,
                     before=audit.snapshot(case), after={"data": form_data})
        try:
            rt.runner.complete_user_task(workflow, task.id, form_data)
        except TaskNotReady:
            raise Conflict(msg("task.not_ready", "任务已不在待办状态")) from None
        open_tasks = projection.save(command, workflow, completed_task_id=task.id)
    projection.flush(command)  # a concurrent writer fails here (409) before anything is reported
    result = describe_case(session, case, now=command.now, open_tasks=open_tasks, viewer=actor,
                           clocks=command.clocks())
    idempotency.finish(key_row, 200, result)
    version = case.version
    uow.commit()
    rt.workflows.put(case.id, version, workflow, [t.id for t in open_tasks], case.number)
    metrics.task_completed(task.spec_name)
    return result


def _require_ready(task: HumanTask) -> None:
    if task.status != "ready":
        raise Conflict(msg("task.not_ready", "任务已不在待办状态"))
