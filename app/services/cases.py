"""P16 history and P17 progress: reading cases."""
from __future__ import annotations

from sqlalchemy import func, select

from app.clock import iso
from app.db.models import AuditEvent, Case, Enterprise, HumanTask, Unit
from app.domain.actor import Actor
from app.domain.vocab import CASE_STATUSES, FINAL_STATUSES

from .runtime import Runtime
from .visibility import case_filter, get_visible_case


def describe_case(session, case: Case, full: bool = True) -> dict:
    enterprise = session.get(Enterprise, case.enterprise_id)
    unit = session.get(Unit, case.unit_id) if case.unit_id else None
    data = {
        "number": case.number, "status": case.status,
        "status_label": CASE_STATUSES.get(case.status, (case.status,))[0],
        "closed": case.status in FINAL_STATUSES,
        "current_step": case.current_step, "channel": case.channel, "kind": case.kind,
        "domain": case.domain, "town": case.town, "red_list": case.red_list,
        "enterprise": {"name": enterprise.name, "credit_code": enterprise.credit_code},
        "unit": {"code": unit.code, "name": unit.name} if unit else None,
        "suggested_unit": case.suggested_unit_code,
        "direct_reply": case.direct_reply,
        "reply": {"result": case.reply_result, "text": case.reply_text} if case.reply_text else None,
        "rating": case.rating, "dissatisfied_rounds": case.dissatisfied_rounds,
        "created_at": iso(case.created_at), "updated_at": iso(case.updated_at),
        "closed_at": iso(case.closed_at), "version": case.version,
    }
    if full:
        data["description"] = case.description
        data["contact_name"] = case.contact_name
        data["deployment_id"] = case.deployment_id
        data["open_tasks"] = [
            {"id": t.id, "name": t.spec_name, "title": t.title, "role": t.role}
            for t in session.scalars(select(HumanTask).where(
                HumanTask.case_id == case.id, HumanTask.status == "ready"))]
    return data


def get_case(rt: Runtime, actor: Actor, number: str) -> dict:
    with rt.uow() as uow:
        return describe_case(uow.session, get_visible_case(uow.session, actor, number))


def list_cases(rt: Runtime, actor: Actor, *, status: str | None = None, page: int = 1,
               per_page: int = 20) -> dict:
    with rt.uow() as uow:
        stmt = select(Case).where(case_filter(actor))
        if status:
            stmt = stmt.where(Case.status == status)
        total = uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows = uow.session.scalars(stmt.order_by(Case.id.desc())
                                   .offset((page - 1) * per_page).limit(per_page))
        return {"items": [describe_case(uow.session, c, full=False) for c in rows],
                "total": total, "page": page, "per_page": per_page}


def history(rt: Runtime, actor: Actor, number: str) -> dict:
    with rt.uow() as uow:
        case = get_visible_case(uow.session, actor, number)
        events = uow.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)
                                     .order_by(AuditEvent.id))
        return {"number": case.number, "events": [
            {"at": iso(e.at), "action": e.action, "actor": e.actor_name, "role": e.actor_role,
             "task_id": e.task_id, "task": e.task_name, "before": e.before, "after": e.after}
            for e in events]}
