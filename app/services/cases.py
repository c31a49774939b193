"""P16 history and P17 progress: reading cases."""
from __future__ import annotations

from sqlalchemy import func, select

from app.clock import iso
from app.db.models import AuditEvent, Case, Enterprise, HumanTask, KnowledgeArticle, SlaClock, Unit
from app.domain.actor import Actor
from app.domain.case_number import is_history_number
from app.domain.vocab import CASE_STATUSES, FINAL_STATUSES

from .runtime import Runtime
from .visibility import case_filter, get_visible_case, sees_progress_only, staff_only

# P17: what an enterprise reads of its case (the API's EnterpriseCase schema); `unit` by name only.
ENTERPRISE_KEYS = ("number", "status", "status_label", "closed", "current_step", "channel", "kind",
                   "domain", "town", "description", "direct_reply", "reply", "rating",
                   "dissatisfied_rounds", "overdue", "created_at", "updated_at", "closed_at",
                   "enterprise", "contact_name", "contact_phone")


def describe_case(session, case: Case, full: bool = True, now=None,
                  open_tasks: list[HumanTask] | None = None, viewer: Actor | None = None,
                  clocks: list[SlaClock] | None = None) -> dict:
    """The case as the API shows it to `viewer` (an enterprise gets `enterprise_view`; no
    viewer: the staff's view). `open_tasks` and `clocks`, when the caller has them, save a query."""
    if sees_progress_only(viewer):  # its view shows neither clocks nor open tasks
        return enterprise_view(describe_case(session, case, full=full, now=now, open_tasks=[],
                                             clocks=[]))
    enterprise = reference(session, Enterprise, case.enterprise_id)
    unit = reference(session, Unit, case.unit_id)
    kb_article = reference(session, KnowledgeArticle, case.kb_article_id)
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
        "kb_article": {"id": kb_article.id, "title": kb_article.title} if kb_article else None,
        "reply": {"result": case.reply_result, "text": case.reply_text} if case.reply_text else None,
        "rating": case.rating, "dissatisfied_rounds": case.dissatisfied_rounds,
        "matter_class": case.matter_class, "overdue": case.overdue,
        "created_at": iso(case.created_at), "updated_at": iso(case.updated_at),
        "closed_at": iso(case.closed_at), "version": case.version,
        "routing": routing_view(case),
        "history": is_history_number(case.number),  # synthetic history: no workflow (P18)
    }
    if full:
        from .supervision import clock_view
        now = now or case.updated_at
        if clocks is None:
            clocks = session.scalars(select(SlaClock).where(SlaClock.case_id == case.id)
                                     .order_by(SlaClock.id))
        data["clocks"] = [clock_view(c, now) for c in clocks]
        data["description"] = case.description
        data["contact_name"] = case.contact_name
        data["contact_phone"] = case.contact_phone
        data["enterprise_phone"] = enterprise.phone
        data["deployment_id"] = case.deployment_id
        if open_tasks is None:
            open_tasks = session.scalars(select(HumanTask).where(
                HumanTask.case_id == case.id, HumanTask.status == "ready"))
        data["open_tasks"] = [{"id": t.id, "name": t.spec_name, "title": t.title, "role": t.role,
                               "unit_id": t.unit_id, "assignee_id": t.assignee_id} for t in open_tasks]
    return data


def enterprise_view(data: dict) -> dict:
    """P17: the case without staff names, internal notes, classifier figures, clocks, open tasks
    or internal codes — what the enterprise is told, and its own details."""
    view = {key: data[key] for key in ENTERPRISE_KEYS if key in data}
    view["unit"] = {"name": data["unit"]["name"]} if data.get("unit") else None
    return view


def routing_view(case: Case) -> dict:
    """P4: the classifier's suggestion recorded at intake, and whether dispatch was automatic."""
    return {"predicted_domain": case.predicted_domain, "confidence": case.domain_confidence,
            "top3": [{"domain": d, "confidence": p} for d, p in (case.domain_top3 or [])],
            "model_version": case.routing_model_id, "auto_dispatched": bool(case.auto_dispatched)}


def reference(session, model, key):
    """Units and enterprises by id, from the session's identity map when already loaded."""
    return session.get(model, key) if key is not None else None


def get_case(rt: Runtime, actor: Actor, number: str) -> dict:
    with rt.uow() as uow:
        return describe_case(uow.session, get_visible_case(uow.session, actor, number),
                             now=rt.clock.now(), viewer=actor)


def list_cases(rt: Runtime, actor: Actor, *, status: str | None = None, page: int = 1,
               per_page: int = 20) -> dict:
    with rt.uow() as uow:
        stmt = select(Case).where(case_filter(actor))
        if status:
            stmt = stmt.where(Case.status == status)
        total = uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows = uow.session.scalars(stmt.order_by(Case.id.desc())
                                   .offset((page - 1) * per_page).limit(per_page))
        return {"items": [describe_case(uow.session, c, full=False, viewer=actor) for c in rows],
                "total": total, "page": page, "per_page": per_page}


def history(rt: Runtime, actor: Actor, number: str) -> dict:
    """P16: every recorded action — for staff and units; an enterprise reads `progress` (P17)."""
    staff_only(actor)
    with rt.uow() as uow:
        case = get_visible_case(uow.session, actor, number)
        events = uow.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)
                                     .order_by(AuditEvent.id))
        return {"number": case.number, "events": [
            {"at": iso(e.at), "action": e.action, "actor": e.actor_name, "role": e.actor_role,
             "task_id": e.task_id, "task": e.task_name, "before": e.before, "after": e.after}
            for e in events]}
