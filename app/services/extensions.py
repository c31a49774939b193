"""P14: a unit asks for more time before the resolution deadline; the supervisor decides (BPMN).

What a request must satisfy (each refused before anything is written):
- only the lead unit (403), while the resolution clock runs (409);
- only after the unit signed for the case in this round (409), one pending request at a time (409);
- before the deadline, to a time after it and at most `extension_max_days` working days after it
  (the rule table sla.dmn; 7 by default), field by field (422).
The approval (`decide_extension` in sla.py) may grant an earlier time than requested.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.clock import iso
from app.db.models import HumanTask, WorkflowState
from app.domain.actor import Actor
from app.domain.errors import Conflict, Forbidden, ValidationFailed
from app.domain.texts import msg
from app.domain.work_calendar import DAY_MINUTES

from . import audit, projection
from .cases import describe_case
from .command import Command, running
from .form_rules import DISPATCH_TASK
from .runtime import Runtime
from .sla import beijing, current_clock, from_iso, to_iso
from .visibility import get_visible_case

CATCHER = "start_extension"  # the signal start event of the extension event subprocess
APPROVAL_TASK = "approve_extension"
DEFAULT_MAX_DAYS = 7  # when the rule table has no `extension_max_days` (older deployments)


def latest_allowed(rt: Runtime, due_at: datetime, rule_data: dict | None) -> tuple[datetime, int]:
    """The latest resolution deadline an extension may ask for: `extension_max_days` working days
    (sla.dmn) after the current one, by the work calendar. Returns (that time, the days)."""
    days = int((rule_data or {}).get("extension_max_days") or DEFAULT_MAX_DAYS)
    return rt.settings["calendar"].add(due_at, days * DAY_MINUTES, "working"), days


def _require_state(session, case) -> None:
    """Signed in this round, and no request awaiting a decision."""
    open_names = set(session.scalars(select(HumanTask.spec_name).where(
        HumanTask.case_id == case.id, HumanTask.status == "ready")))
    if APPROVAL_TASK in open_names:
        raise Conflict(msg("extension.pending", "已有一件延期申请待督办员审批，审批后才能再次申请"))
    if DISPATCH_TASK in open_names:
        raise Conflict(msg("extension.before_sign", "签收后才能申请延期"))


def _check_due(rt, clock, requested_due: str, rule_data: dict | None, now) -> datetime:
    if now >= clock.due_at or clock.outcome == "violated":
        raise ValidationFailed(fields={"requested_due": [msg("extension.too_late", "须在办结时限到期前申请延期")]})
    try:
        new_due = from_iso(requested_due)
    except ValueError as err:
        raise ValidationFailed(fields={"requested_due": [str(err)]}) from err
    if new_due <= clock.due_at:
        raise ValidationFailed(fields={"requested_due": [
            msg("extension.not_after_due", "须晚于当前时限 {due}", due=beijing(clock.due_at))]})
    latest, days = latest_allowed(rt, clock.due_at, rule_data)
    if new_due > latest:
        note = msg("extension.working_days_after", "当前时限后 {days} 个工作日", days=days)
        raise ValidationFailed(fields={"requested_due": [
            msg("extension.latest", "最晚可延至 {latest}", latest=beijing(latest, note))]})
    return new_due


def request_extension(rt: Runtime, actor: Actor, number: str, reason: str, requested_due: str) -> dict:
    with rt.uow() as uow:
        session = uow.session
        case = get_visible_case(session, actor, number)
        if actor.role != "unit" or case.unit_id != actor.unit_id:
            raise Forbidden(msg("extension.lead_unit_only", "只有主办单位可以申请延期"))
        clock = current_clock(session, case.id, "resolution")
        now = rt.clock.now()
        if clock is None or clock.outcome not in ("running", "violated"):
            raise Conflict(msg("extension.no_clock", "该诉求当前没有进行中的办结时限"))
        _require_state(session, case)
        bundle = rt.specs.get(session, case.deployment_id)
        workflow = rt.runner.load(bundle, session.get(WorkflowState, case.id).state)
        rule_data = rt.runner.waiting_data(workflow, CATCHER)
        new_due = _check_due(rt, clock, requested_due, rule_data, now)
        command = Command(uow, rt, actor, case, now, workflow)
        audit.record(command, "extension_requested",
                     after={"reason": reason, "requested_due": iso(new_due), "due_at": iso(clock.due_at)})
        with running(command):
            delivered = rt.runner.signal(workflow, CATCHER, {
                "extension_reason": reason, "extension_due": to_iso(new_due)})
            if not delivered:
                raise Conflict(msg("extension.wrong_step", "当前环节不能申请延期"))
            projection.save(command, workflow)
        projection.flush(command)
        result = describe_case(session, case, now=now)
        uow.commit()
        return result
