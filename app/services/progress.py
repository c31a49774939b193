"""P17 progress as the enterprise sees it: the case's status and result, and the key steps of
its handling in plain words — without the staff's names, internal notes or the classifier's
figures, which the full trail (P16, `cases.history`) keeps for the staff."""
from __future__ import annotations

from sqlalchemy import select

from app.clock import iso
from app.db.models import AuditEvent, Case, HumanTask, Unit
from app.domain.actor import Actor
from app.domain.texts import N_

from .cases import describe_case
from .runtime import Runtime
from .visibility import get_visible_case

PUBLIC_KEYS = ("number", "status", "status_label", "closed", "current_step", "channel", "kind", "domain",
               "town", "direct_reply", "reply", "rating", "dissatisfied_rounds", "overdue", "created_at",
               "closed_at")
# Work the enterprise is told about when it is done: task name → what it reads.
DONE_STEPS = {
    "sign": N_("承办单位已签收"),
    "contact": N_("承办单位已联系企业"),
    "propose": N_("承办单位已提出解决方案"),
    "reply": N_("承办单位已办结答复"),
    "co_handle": N_("协办单位已提交办理意见"),
}
# What a step shows of the form it completed (only what is addressed to the enterprise).
SHOWN_FIELDS = {"propose": "solution", "reply": "reply_text"}
# Steps the enterprise is told about when they open.
OPENED_STEPS = {"supervise": N_("不满意，已转督办员回访督办"), "leader_instruction": N_("已提请领导批示"),
                "supervise_overdue_response": N_("已超期，转督办员督办"),
                "supervise_overdue_solution": N_("已超期，转督办员督办"),
                "supervise_overdue_resolution": N_("已超期，转督办员督办")}


def progress(rt: Runtime, actor: Actor, number: str) -> dict:
    """{"case": the case without its internals, "steps": [{"at", "step", "text"}], oldest first}."""
    with rt.uow() as uow:
        s = uow.session
        case = get_visible_case(s, actor, number)
        full = describe_case(s, case, full=False)
        view = {key: full[key] for key in PUBLIC_KEYS} | {
            "unit": full["unit"]["name"] if full["unit"] else None, "description": case.description,
            "contact_name": case.contact_name, "contact_phone": case.contact_phone,   # its own
            "rate_task_id": s.scalar(select(HumanTask.id).where(
                HumanTask.case_id == case.id, HumanTask.spec_name == "rate", HumanTask.status == "ready"))}
        specs = dict(s.execute(select(HumanTask.id, HumanTask.spec_name).where(HumanTask.case_id == case.id)).all())
        units = dict(s.execute(select(Unit.code, Unit.name)).all())
        events = s.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id))
        steps = [step for e in events if (step := _step(case, e, specs, units)) is not None]
        return {"case": view, "steps": steps}


def _step(case: Case, event: AuditEvent, specs: dict[str, str], units: dict[str, str]) -> dict | None:
    """One event as the enterprise reads it, or None; ``specs``: the case's task id → task name,
    ``units``: unit code → name. A hand-over names the unit in ``unit`` too (pages translate the
    sentence around it)."""
    after = event.after or {}
    step = text = unit = None
    if event.action == "intake":
        step = N_("诉求已受理")
    elif event.action in ("dispatch", "dispatch_override", "auto_dispatch", "redispatch"):
        unit = after.get("unit_name") or units.get(after.get("unit_code"))
        step = N_("已转交承办单位办理") if unit is None else f"已转交 {unit} 办理"
    elif event.action == "complete_task":
        spec, data = specs.get(event.task_id), after.get("data") or {}
        if spec == "sign" and data.get("sign_action") != "签收":
            return None                               # a return: its own event says so
        step = DONE_STEPS.get(spec)
        text = data.get(SHOWN_FIELDS[spec]) if spec in SHOWN_FIELDS else None
    elif event.action == "task_opened":
        step = OPENED_STEPS.get(specs.get(event.task_id))
    elif event.action == "return":
        step = N_("承办单位退单，重新派单中")
    elif event.action == "extension_approved":
        step = N_("办结时限已延期")
        text = after.get("due_at")
    elif event.action == "rating":
        step = N_("企业已评价")
        text = after.get("rating")
    elif event.action == "close":
        step = N_("已直接答复并办结") if case.direct_reply and not case.unit_id else N_("已结案")
    if step is None:
        return None
    return {"at": iso(event.at), "step": step, "text": text, "unit": unit}
