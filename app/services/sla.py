"""P5–P8, P13, P14: the deadline clocks of a handling round and the actions the BPMN calls on them.

Every value of the rule (durations, calendars, warning ratio, return window, restart on return)
comes from `workflows/sla.dmn`, which the business rule task `sla_rule` evaluates into the process
data; this module repeats none of them. The diagrams decide when clocks start, stop, warn and are
violated. This module computes deadlines and keeps `sla_clocks` current.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select, update

from app.clock import iso, local, spoken
from app.db.models import HumanTask, SlaClock, Unit
from app.domain.errors import ProcessError, ValidationFailed
from app.domain.texts import msg

from . import audit, messages
from .command import current, current_for

CLOCKS = ("response", "solution", "resolution")
CLOCK_LABELS = {"response": "响应时限", "solution": "方案时限", "resolution": "办结时限"}


def to_iso(value: datetime) -> str:
    """Naive UTC → ISO 8601 with offset, the form timer expressions evaluate to."""
    return value.replace(tzinfo=timezone.utc).isoformat()


def from_iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("时间须带时区，如 2026-11-30T18:00:00+08:00")
    return parsed.astimezone(timezone.utc).replace(tzinfo=None)


def clocks_of(session, case_id: int, outcome: str | None = None) -> list[SlaClock]:
    command = current_for(session, case_id)  # inside a command: its one read of the clocks
    if command is not None:
        return [row for row in command.clocks() if outcome is None or row.outcome == outcome]
    stmt = select(SlaClock).where(SlaClock.case_id == case_id)
    if outcome:
        stmt = stmt.where(SlaClock.outcome == outcome)
    return list(session.scalars(stmt.order_by(SlaClock.id)))


def current_clock(session, case_id: int, clock: str) -> SlaClock | None:
    command = current_for(session, case_id)
    if command is not None:
        return next((row for row in reversed(command.clocks()) if row.clock == clock), None)
    return session.scalar(select(SlaClock).where(SlaClock.case_id == case_id, SlaClock.clock == clock)
                          .order_by(SlaClock.id.desc()).limit(1))


class MissingRuleValue(ProcessError):
    """The process data lacks a value sla.dmn should have given (a table without that output):
    the step fails (422 process_error, nothing saved) instead of assuming a value."""


def rule_value(data: dict[str, Any], name: str) -> Any:
    """The value `name` of the sla.dmn row that applies to this case, as the rule task left it in
    the process data; never a default of our own."""
    value = data.get(name)
    if value is None:
        message = f"时限规则 sla.dmn 未给出 {name}"
        raise MissingRuleValue(f"流程执行出错: {message}", fields={"sla.dmn": [message]})
    return value


def _due_map(clocks: list[SlaClock]) -> dict[str, str]:
    result = {}
    for row in clocks:
        result[row.clock] = to_iso(row.due_at)
        result[f"{row.clock}_warn"] = to_iso(row.warn_at)
    return result


def start_clocks(params: dict[str, Any], data: dict[str, Any]) -> dict[str, str]:
    """Start (or, after a return whose rule says so, resume) the three clocks of this round."""
    cmd = current()
    session, case, now = cmd.session, cmd.case, cmd.now
    paused = clocks_of(session, case.id, "paused")
    if paused:
        for row in paused:
            row.outcome = "running"
        audit.record(cmd, "clocks_resumed", after={r.clock: iso(r.due_at) for r in paused})
        return _due_map(paused)
    for row in clocks_of(session, case.id, "running"):
        row.outcome = "cancelled"
    calendar = cmd.rt.settings["calendar"]
    ratio = float(rule_value(data, "warn_ratio"))
    rows = []
    for clock in CLOCKS:
        minutes = int(rule_value(data, f"{clock}_minutes"))
        mode = rule_value(data, f"{clock}_calendar")
        due = calendar.add(now, minutes, mode)
        warn = now + (due - now) * ratio
        row = SlaClock(case_id=case.id, clock=clock, round=int(data.get("handling_round") or 1),
                       calendar=mode, started_at=now, warn_at=warn, due_at=due, outcome="running",
                       extensions=0)
        cmd.add_clock(row)
        rows.append(row)
    audit.record(cmd, "clocks_started", after={r.clock: iso(r.due_at) for r in rows})
    return _due_map(rows)


def stop_clock(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    cmd = current()
    row = current_clock(cmd.session, cmd.case.id, params["clock"])
    if row is None or row.met_at is not None:
        return {}
    row.met_at = cmd.now
    if row.outcome == "running":
        row.outcome = "met" if cmd.now <= row.due_at else "violated"
    return {"outcome": row.outcome}


def clock_warning(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """P8 催办: a warning before the deadline, to the unit."""
    cmd = current()
    clock = params["clock"]
    row = current_clock(cmd.session, cmd.case.id, clock)
    if row is not None:
        row.warned_at = cmd.now
    due = iso(row.due_at) if row else ""
    audit.record(cmd, "urge", after={"clock": clock, "due_at": due})
    _notify_units(cmd, "urge", clock_label=CLOCK_LABELS[clock], due=spoken(row.due_at) if row else "")
    return {}


def clock_violated(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """P8: the deadline passed; the case is flagged overdue (supervision follows in the BPMN)."""
    cmd = current()
    clock = params["clock"]
    row = current_clock(cmd.session, cmd.case.id, clock)
    if row is not None and row.outcome == "running":
        row.outcome = "violated"
        row.violated_at = cmd.now
    before = audit.snapshot(cmd.case)
    cmd.case.overdue = True
    due = iso(row.due_at) if row else ""
    audit.record(cmd, "overdue", before=before, after={"clock": clock, "due_at": due})
    _notify_units(cmd, "overdue", clock_label=CLOCK_LABELS[clock], due=spoken(row.due_at) if row else "")
    return {}


def _notify_units(cmd, template: str, **values) -> None:
    if cmd.case.unit_id:
        unit = cmd.session.get(Unit, cmd.case.unit_id)
        messages.enqueue(cmd, template, recipient=f"unit:{unit.code}", channel="internal", **values)


def check_return(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """P13: a unit may return an order only within the set time after dispatch."""
    cmd = current()
    row = current_clock(cmd.session, cmd.case.id, "response")
    window = int(rule_value(data, "return_minutes"))
    if row is not None and cmd.now > row.started_at + timedelta(minutes=window):
        raise ValidationFailed(fields={"sign_action": [f"已超过退单时限（{window} 分钟），请办理或申请延期"]})
    return {}


def record_return(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """P13: the return is on the record; clocks restart or pause as the rule table says."""
    cmd = current()
    unit = cmd.session.get(Unit, cmd.case.unit_id) if cmd.case.unit_id else None
    restart = bool(rule_value(data, "restart_on_return"))
    for row in clocks_of(cmd.session, cmd.case.id, "running"):
        row.outcome = "cancelled" if restart else "paused"
    reason = data.get("return_reason") or ""
    audit.record(cmd, "return", before=audit.snapshot(cmd.case),
                 after={"unit_code": unit.code if unit else None, "reason": reason,
                        "clocks": "restart" if restart else "paused"})
    return {"returned": True, "reason": reason, "unit_code": unit.code if unit else None}


def co_timeout(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    cmd = current()
    audit.record(cmd, "co_timeout", after={"co_units": data.get("co_units") or []})
    return {}


def decide_extension(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """P14: an approved extension moves the resolution deadline (clock, timers, task deadlines) to
    the requested time, or to the earlier `approved_due` the supervisor grants; the clock runs on."""
    cmd = current()
    approved = data.get("extension_decision") == "批准"
    # The request is consumed here, so a later request starts from a clean slate.
    request = {key: data.pop(key, None) for key in ("extension_reason", "extension_due", "approved_due")}
    row = current_clock(cmd.session, cmd.case.id, "resolution")
    requested = from_iso(request["extension_due"]) if request["extension_due"] else None
    detail = {"decision": data.get("extension_decision"), "reason": request["extension_reason"],
              "requested_due": iso(requested), "comment": data.get("extension_comment")}
    if not approved or row is None or requested is None:
        audit.record(cmd, "extension_rejected", after=detail)
        return {"approved": False}
    new_due = _granted_due(row, requested, request["approved_due"])
    before = {"due_at": iso(row.due_at)}
    row.warn_at = row.started_at + (new_due - row.started_at) * float(rule_value(data, "warn_ratio"))
    row.due_at = new_due
    row.extensions += 1
    if row.outcome == "violated" and new_due > cmd.now:
        row.outcome, row.violated_at = "running", None
    cmd.rt.runner.move_timers(cmd.workflow, {"timer_resolution_due": to_iso(row.due_at),
                                             "timer_resolution_warn": to_iso(row.warn_at)})
    cmd.session.execute(update(HumanTask).where(
        HumanTask.case_id == cmd.case.id, HumanTask.status == "ready",
        HumanTask.deadline_clock == "resolution").values(due_at=new_due))
    audit.record(cmd, "extension_approved", before=before, after=detail | {"due_at": iso(new_due)})
    return {"approved": True, "due": to_iso(new_due)}


def _granted_due(row: SlaClock, requested: datetime, approved_due: str | None) -> datetime:
    """The requested time, or the supervisor's earlier one: after the current deadline, not after
    the requested time (refused field by field otherwise; nothing is written)."""
    if not approved_due:
        return requested
    granted = from_iso(approved_due)
    if granted <= row.due_at:
        raise ValidationFailed(fields={"approved_due": [
            msg("extension.approved_not_after_due", "须晚于当前办结时限 {due}", due=beijing(row.due_at))]})
    if granted > requested:
        raise ValidationFailed(fields={"approved_due": [
            msg("extension.approved_after_request", "不能晚于申请的期限 {due}", due=beijing(requested))]})
    return granted


def beijing(moment: datetime, note: str = "") -> str:
    """A naive UTC time as a bound reads in a message: '2026-11-23 10:05（北京时间）', with `note`
    inside the brackets: '（北京时间，当前时限后 7 个工作日）'."""
    return f"{local(moment):%Y-%m-%d %H:%M}（北京时间{'，' + note if note else ''}）"


def await_rating(params: dict[str, Any], data: dict[str, Any]) -> dict[str, str]:
    """P11: the enterprise has this long to rate before the hotline revisits."""
    cmd = current()
    hours = float(cmd.rt.settings["rating_timeout_hours"])  # QISU_RATING_TIMEOUT_HOURS; 0.5 allowed
    return {"due": to_iso(cmd.now + timedelta(hours=hours))}
