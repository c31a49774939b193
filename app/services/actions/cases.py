"""P3, P4, P9, P13, P17: the service-task actions on the case itself — dispatch, reply, rating,
closing. Registered under their operator names in `app/services/actions/__init__.py`."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.db.models import Unit
from app.domain.errors import ValidationFailed
from app.domain.texts import msg
from app.domain.vocab import RATINGS, is_dissatisfied, is_satisfied

from .. import audit, messages
from ..command import current


def assign_unit(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """P4 dispatch (and P13 re-dispatch, 转办): the chosen unit becomes the receiving unit; an
    override of the suggestion is recorded with its reason; co-units (P15) must exist; the
    dispatcher's domain (when the form has one) becomes the case's domain."""
    return _assign(current(), params, data, auto=False)


def auto_assign_unit(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """P4 automatic dispatch: the routing table's unit for the classifier's confident domain."""
    return _assign(current(), params, data, auto=True)


def _assign(cmd, params: dict[str, Any], data: dict[str, Any], auto: bool) -> dict[str, Any]:
    code = (params.get("unit_code") or "").strip()
    unit = _unit(cmd, code)
    if unit is None:
        raise ValidationFailed(fields={"unit_code": [msg("unit.unknown", "承办单位 {code!r} 不存在", code=code)]})
    co_units = [] if auto else list(data.get("co_units") or [])
    if code in co_units:
        raise ValidationFailed(fields={"co_units": [msg("dispatch.co_unit_is_lead", "协办单位不能与主办单位相同")]})
    unknown = [c for c in co_units if _unit(cmd, c) is None]
    if unknown:
        raise ValidationFailed(fields={"co_units": [msg("dispatch.co_unit_unknown", "协办单位不存在：{codes}",
                                                        codes="、".join(unknown))]})
    suggested = params.get("suggested_unit") or None
    redispatch = cmd.case.unit_id is not None
    before = audit.snapshot(cmd.case) | {"domain": cmd.case.domain}
    cmd.case.unit_id = unit.id
    cmd.case.suggested_unit_code = suggested
    cmd.case.matter_class = data.get("matter_class") or cmd.case.matter_class
    overridden = suggested is not None and suggested != code
    if overridden and not redispatch and not (data.get("override_reason") or "").strip():
        raise ValidationFailed(fields={"override_reason": [
            msg("dispatch.override_reason", "改派至非建议单位时须填写改派理由")]})
    chosen_domain = (data.get("domain") or "").strip() if not (auto or redispatch) else ""
    predicted = cmd.case.predicted_domain
    cmd.case.domain = chosen_domain or cmd.case.domain or predicted
    if not redispatch:
        cmd.case.auto_dispatched = auto
    action = ("auto_dispatch" if auto else "redispatch" if redispatch
              else "dispatch_override" if overridden else "dispatch")
    audit.record(cmd, action, before=before,
                 after={"unit_code": code, "unit_name": unit.name, "suggested_unit": suggested,
                        "override_reason": None if redispatch else data.get("override_reason") or None,
                        "review_comment": data.get("review_comment") if redispatch else None,
                        "co_units": co_units, "matter_class": cmd.case.matter_class,
                        "domain": cmd.case.domain, "predicted_domain": predicted,
                        "domain_overridden": bool(chosen_domain and predicted
                                                  and chosen_domain != predicted),
                        "model_version": cmd.case.routing_model_id,
                        "confidence": cmd.case.domain_confidence}, by_system=auto)
    messages.enqueue(cmd, "dispatched", unit_name=unit.name)
    return {"unit_name": unit.name, "overridden": overridden, "auto": auto}


def _unit(cmd, code: str) -> Unit | None:
    return cmd.hold(cmd.session.scalar(select(Unit).where(Unit.code == code))) if code else None


def notify_enterprise(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """P17: the unit's reply is recorded on the case and sent to the enterprise."""
    cmd = current()
    cmd.case.reply_result = data.get("result")
    cmd.case.reply_text = data.get("reply_text")
    template = params.get("template") or "reply"
    messages.enqueue(cmd, template, reply_text=cmd.case.reply_text or "")
    return {"sent": True}


def record_rating(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """P9/P10: store the rating; a dissatisfied rating counts one more supervision round."""
    cmd = current()
    rating = params.get("rating")
    if rating not in RATINGS:
        raise ValidationFailed(fields={"rating": [msg("rating.unknown", "评价须为 {ratings} 之一",
                                                      ratings="/".join(RATINGS))]})
    before = audit.snapshot(cmd.case)
    cmd.case.rating = rating
    if is_dissatisfied(rating):
        cmd.case.dissatisfied_rounds = (cmd.case.dissatisfied_rounds or 0) + 1
    audit.record(cmd, "rating", before=before,
                 after={"rating": rating, "comment": data.get("rating_comment") or None,
                        "dissatisfied_rounds": cmd.case.dissatisfied_rounds})
    return {"satisfied": is_satisfied(rating), "dissatisfied_rounds": cmd.case.dissatisfied_rounds}


def close_case(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """P3 direct reply / P9 satisfied: the case is closed with the given final status."""
    cmd = current()
    status = params.get("status") or "closed"
    before = audit.snapshot(cmd.case)
    cmd.case.status = status
    cmd.case.closed_at = cmd.now
    audit.record(cmd, "close", before=before, after={"status": status})
    if status == "direct_replied":
        messages.enqueue(cmd, "direct_reply", direct_reply=cmd.case.direct_reply or "")
    else:
        messages.enqueue(cmd, "closed")
    return {"status": status}
