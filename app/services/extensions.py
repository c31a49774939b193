"""P14: a unit asks for more time before the resolution deadline; the supervisor decides (BPMN)."""
from __future__ import annotations

from app.clock import iso
from app.db.models import WorkflowState
from app.domain.actor import Actor
from app.domain.errors import Conflict, Forbidden, ValidationFailed

from . import audit, projection
from .cases import describe_case
from .command import Command, running
from .runtime import Runtime
from .sla import current_clock, from_iso, to_iso
from .visibility import get_visible_case

CATCHER = "start_extension"  # the signal start event of the extension event subprocess


def request_extension(rt: Runtime, actor: Actor, number: str, reason: str, requested_due: str) -> dict:
    with rt.uow() as uow:
        session = uow.session
        case = get_visible_case(session, actor, number)
        if actor.role != "unit" or case.unit_id != actor.unit_id:
            raise Forbidden("只有主办单位可以申请延期")
        clock = current_clock(session, case.id, "resolution")
        now = rt.clock.now()
        if clock is None or clock.outcome not in ("running", "violated"):
            raise Conflict("该诉求当前没有进行中的办结时限")
        if now >= clock.due_at or clock.outcome == "violated":
            raise ValidationFailed(fields={"requested_due": ["须在办结时限到期前申请延期"]})
        try:
            new_due = from_iso(requested_due)
        except ValueError as err:
            raise ValidationFailed(fields={"requested_due": [str(err)]}) from err
        if new_due <= clock.due_at:
            raise ValidationFailed(fields={"requested_due": [f"须晚于当前时限 {iso(clock.due_at)}"]})
        bundle = rt.specs.get(session, case.deployment_id)
        workflow = rt.runner.load(bundle, session.get(WorkflowState, case.id).state)
        command = Command(uow, rt, actor, case, now, workflow)
        audit.record(command, "extension_requested",
                     after={"reason": reason, "requested_due": iso(new_due), "due_at": iso(clock.due_at)})
        with running(command):
            delivered = rt.runner.signal(workflow, CATCHER, {
                "extension_reason": reason, "extension_due": to_iso(new_due)})
            if not delivered:
                raise Conflict("当前环节不能申请延期（或已有待审批的申请）")
            projection.save(command, workflow)
        session.flush()
        result = describe_case(session, case, now=now)
        uow.commit()
        return result
