"""Per-form rules beyond the JSON Schema: what a value means in this case, at this moment.

The schema says a contact time is a date-time; only the case knows whether it is in the future or
before the dispatch. Each rule is registered under its form's name (the schema file without
`.schema.json`) and returns field errors; `check` runs the form's rules after the schema passed,
before anything is written, and refuses with all their errors at once (ValidationFailed, 422).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from sqlalchemy import func, select

from app.db.models import Case, HumanTask
from app.domain.errors import ValidationFailed
from app.domain.texts import msg

from .sla import beijing, current_clock

FORM_SUFFIX = ".schema.json"
# The BPMN's 签收 task: unit_handling opens it for each unit in each round when the case reaches it.
DISPATCH_TASK = "sign"

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class RuleContext:
    session: Any
    settings: dict
    case: Case
    task: HumanTask
    now: datetime          # naive UTC


_RULES: dict[str, list[Callable[[RuleContext, dict], Errors]]] = {}


def form_rule(form: str):
    """Register a rule of the form `form` (e.g. "contact" for forms/contact.schema.json)."""
    def register(rule):
        _RULES.setdefault(form, []).append(rule)
        return rule
    return register


def check(ctx: RuleContext, form: str | None, data: dict) -> None:
    name = (form or "").removesuffix(FORM_SUFFIX)
    fields: Errors = {}
    for rule in _RULES.get(name, ()):
        for field, messages in rule(ctx, data).items():
            fields.setdefault(field, []).extend(messages)
    if fields:
        raise ValidationFailed(fields=fields)


def to_utc(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("no offset")
    return parsed.astimezone(timezone.utc).replace(tzinfo=None)


def dispatched_at(session, case: Case, task: HumanTask) -> datetime:
    """When the current round's unit got the case: the opening of the latest 签收 task up to
    `task`. (The response clock's start is the same moment, except after a return whose rule
    pauses the clocks: the resumed clock still starts at the first unit's dispatch.)"""
    opened = session.scalar(select(func.max(HumanTask.created_at)).where(
        HumanTask.case_id == case.id, HumanTask.spec_name == DISPATCH_TASK,
        HumanTask.created_at <= task.created_at))
    if opened is not None:
        return opened
    clock = current_clock(session, case.id, "response")
    return clock.started_at if clock is not None else case.created_at


@form_rule("contact")
def contact_time(ctx: RuleContext, data: dict) -> Errors:
    """P5: a contact time is not in the future (beyond the clock skew allowed) and not before the
    dispatch to the unit. Compared by the minute, as people enter it."""
    try:
        at = to_utc(data["contacted_at"])
    except (KeyError, ValueError):
        return {}  # the schema reports a missing or malformed time
    skew = timedelta(minutes=float(ctx.settings.get("contact_skew_minutes", 5)))
    latest = ctx.now + skew
    if at > latest:
        return {"contacted_at": [msg("contact.in_future", "联系时间不能晚于现在，最晚为 {latest}", latest=beijing(latest))]}
    since = dispatched_at(ctx.session, ctx.case, ctx.task).replace(second=0, microsecond=0)
    if at < since:
        return {"contacted_at": [msg("contact.before_dispatch", "联系时间不能早于派单给本单位的时间 {since}",
                                     since=beijing(since))]}
    return {}
