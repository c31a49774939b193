"""Open311 GET Service Requests: the cases an app submitted, as GeoReport v2 requests. Wrong
parameters are ValidationFailed named by the Open311 parameter (one message each), an unknown or
hidden request NotFound; `app/open311/errors.py` renders them in the specification's format."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from app.clock import SHANGHAI, iso
from app.db.models import AuditEvent, Case, SlaClock, Unit
from app.domain.actor import Actor
from app.domain.errors import NotFound, ValidationFailed
from app.domain.open311 import CODE_TO_DOMAIN, open311_status, service_code
from app.domain.texts import msg
from app.domain.vocab import CASE_STATUSES, FINAL_STATUSES

from .runtime import Runtime
from .visibility import case_filter

MAX_RESULTS = 1000           # the specification's response volume
MAX_SPAN = timedelta(days=90)
STATUSES = ("open", "closed")


def list_requests(rt: Runtime, actor: Actor, args) -> list[dict]:
    ids = split(args.get("service_request_id"))
    if len(ids) > MAX_RESULTS:
        raise ValidationFailed(fields={"service_request_id": [
            msg("open311.too_many_ids", "一次最多查询 {max} 件", max=MAX_RESULTS)]})
    stmt = select(Case).where(case_filter(actor))
    if ids:  # "This overrides all other arguments."
        stmt = stmt.where(Case.number.in_(ids))
    else:
        stmt = filtered(stmt, args, rt.clock.now())
    with rt.uow() as uow:
        cases = list(uow.session.scalars(stmt.order_by(Case.created_at.desc(), Case.id.desc())
                                         .limit(MAX_RESULTS)))
        return describe(uow.session, cases)


def get_request(rt: Runtime, actor: Actor, number: str) -> list[dict]:
    with rt.uow() as uow:
        case = uow.session.scalar(select(Case).where(Case.number == number, case_filter(actor)))
        if case is None:
            raise NotFound(msg("open311.not_found", "service_request_id: 未找到诉求 {number}", number=number))
        return describe(uow.session, [case])


def filtered(stmt, args, now: datetime):
    errors: dict[str, list[str]] = {}
    codes = split(args.get("service_code"))
    unknown = [code for code in codes if code not in CODE_TO_DOMAIN]
    if unknown:
        errors.setdefault("service_code", []).append(f"未知的服务代码 {','.join(unknown)}")
    statuses = split(args.get("status"))
    if any(status not in STATUSES for status in statuses):
        errors.setdefault("status", []).append("状态须为 open 或 closed")
    start, end = parse_time(args, "start_date", errors), parse_time(args, "end_date", errors)
    if errors:
        raise ValidationFailed(fields=errors)
    start, end = date_range(start, end, now)
    stmt = stmt.where(Case.created_at >= start, Case.created_at <= end)
    if codes:
        stmt = stmt.where(Case.domain.in_([CODE_TO_DOMAIN[code] for code in codes]))
    if set(statuses) == {"open"}:
        stmt = stmt.where(Case.status.notin_(FINAL_STATUSES))
    elif set(statuses) == {"closed"}:
        stmt = stmt.where(Case.status.in_(FINAL_STATUSES))
    return stmt


def date_range(start: datetime | None, end: datetime | None, now: datetime):
    """The most recent 90 days by default; a given range may not span more than 90 days."""
    if start is None and end is None:
        end = now
    if start is None:
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise ValidationFailed(fields={"end_date": [msg("open311.end_before_start", "结束时间不能早于开始时间")]})
    if end - start > MAX_SPAN:
        raise ValidationFailed(fields={"end_date": [msg("open311.range_too_long", "查询范围不能超过 90 天")]})
    return start, end


def parse_time(args, name: str, errors: dict[str, list[str]]) -> datetime | None:
    """A W3C date/time (e.g. 2026-11-23T00:00:00Z) as naive UTC; without an offset it is
    Beijing time."""
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        errors.setdefault(name, []).append("时间格式须为 W3C 格式,如 2026-11-23T00:00:00+08:00")
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def split(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def describe(session, cases: list[Case]) -> list[dict]:
    ids = [case.id for case in cases]
    units = {unit.id: unit.name for unit in session.scalars(
        select(Unit).where(Unit.id.in_({c.unit_id for c in cases if c.unit_id})))}
    due = {}
    for clock in session.scalars(select(SlaClock).where(
            SlaClock.case_id.in_(ids), SlaClock.clock == "resolution")
            .order_by(SlaClock.round, SlaClock.id)):
        due[clock.case_id] = clock.due_at  # the latest round's deadline
    submitted = {event.case_id: event.after or {} for event in session.scalars(
        select(AuditEvent).where(AuditEvent.case_id.in_(ids), AuditEvent.action == "intake"))}
    return [request_view(case, units.get(case.unit_id), due.get(case.id),
                         submitted.get(case.id, {})) for case in cases]


def request_view(case: Case, unit_name: str | None, due_at, submitted: dict) -> dict:
    closed = case.status in FINAL_STATUSES
    return {
        "service_request_id": case.number,
        "status": open311_status(case.status),
        "status_notes": status_notes(case),
        "service_name": case.domain,
        "service_code": service_code(case.domain),
        "description": case.description,
        "agency_responsible": unit_name,
        "service_notice": None,
        "requested_datetime": iso(case.created_at),
        "updated_datetime": iso(case.closed_at if closed and case.closed_at else case.updated_at),
        "expected_datetime": iso(due_at),
        "address": submitted.get("address"),
        "address_id": submitted.get("address_id"),
        "zipcode": None,
        "lat": submitted.get("lat"),
        "long": submitted.get("long"),
        "media_url": submitted.get("media_url"),
    }


def status_notes(case: Case) -> str:
    """Closed: the reply the enterprise received. Open: where the case stands (status and current
    step), with the unit's reply once there is one (e.g. while it awaits the rating)."""
    reply = case.reply_text or case.direct_reply
    if case.status in FINAL_STATUSES and reply:
        return reply
    label = CASE_STATUSES.get(case.status, (case.status,))[0]
    notes = f"{label}:{case.current_step}" if case.current_step else label
    return f"{notes};答复:{reply}" if reply else notes
