"""Who may see what: staff see all cases; a unit its own; an enterprise its own (404 otherwise).

What of a case: staff and units see all of it (the trail, the diagram, the classifier's figures);
an enterprise — and a third-party app acting for enterprises — sees its P17 view only: status,
result and progress, never the staff's trail or diagram (those answer 404, see `staff_only`)."""
from __future__ import annotations

from sqlalchemy import or_, select

from app.db.models import Case, HumanTask
from app.domain.actor import Actor
from app.domain.errors import NotFound
from app.domain.texts import msg


# Roles outside the hotline and its units: they see a case's P17 view, not its internals.
EXTERNAL_ROLES = frozenset({"enterprise", "api_client"})


def sees_progress_only(actor: Actor | None) -> bool:
    """P17: an enterprise sees its case's status, result and progress, nothing staff-internal."""
    return actor is not None and actor.role in EXTERNAL_ROLES


def staff_only(actor: Actor) -> None:
    """The staff's views of a case (trail, diagram) do not exist for an enterprise: 404, asked
    before the case is looked up, so the answer is the same for every number (nothing revealed)."""
    if sees_progress_only(actor):
        raise NotFound(msg("case.enterprise_progress_only",
                           "未找到该资源；企业用户请通过 GET /api/cases/{number}/progress 查看办理进展"))


def case_filter(actor: Actor):
    if actor.is_staff:
        return True
    if actor.role == "unit" and actor.unit_id:
        co_handled = select(HumanTask.case_id).where(HumanTask.unit_id == actor.unit_id)
        return or_(Case.unit_id == actor.unit_id, Case.id.in_(co_handled))
    if actor.role == "enterprise" and actor.enterprise_id:
        return Case.enterprise_id == actor.enterprise_id
    if actor.role == "api_client":  # a third-party app sees the requests it submitted
        return Case.created_by == actor.id
    return False


def task_filter(actor: Actor):
    """The group queue of a user: tasks of their role, narrowed to their unit or enterprise."""
    if actor.role == "unit":
        return (HumanTask.role == "unit") & (HumanTask.unit_id == actor.unit_id)
    if actor.role == "enterprise":
        return (HumanTask.role == "enterprise") & (HumanTask.enterprise_id == actor.enterprise_id)
    return or_(HumanTask.role == actor.role, HumanTask.assignee_id == actor.id)


def get_visible_case(session, actor: Actor, number: str, for_update: bool = False) -> Case:
    stmt = select(Case).where(Case.number == number, case_filter(actor))
    case = session.scalar(stmt)
    if case is None:
        raise NotFound(msg("case.not_found", "未找到该诉求"))
    return case


def get_visible_task(session, actor: Actor, task_id: str) -> HumanTask:
    task = session.scalar(select(HumanTask).where(HumanTask.id == task_id, task_filter(actor)))
    if task is None:
        raise NotFound(msg("task.not_found", "未找到该任务"))
    return task
