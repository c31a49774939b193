"""P4: how each classifier version has done on the system's own cases (live figures beside the
cross-validated ones): how many demands it suggested a domain for, how often the dispatched
domain agreed with its first suggestion, how many it dispatched by itself, and how many of
those kept its domain (not corrected later — an upper bound of the live precision, since a wrong
domain that nobody corrected counts as kept)."""
from __future__ import annotations

from sqlalchemy import and_, case, func, select

from app.db.models import Case


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def usage_by_version(session) -> dict[int, dict]:
    """{version: {"suggested", "dispatched", "agreed", "agreement", "auto", "auto_share",
    "auto_kept", "auto_kept_rate"}} for every version that suggested at least once."""
    agreed = Case.domain == Case.predicted_domain
    rows = session.execute(
        select(Case.routing_model_id, func.count(),
               _count(Case.unit_id.is_not(None)),
               _count(and_(Case.unit_id.is_not(None), agreed)),
               _count(Case.auto_dispatched.is_(True)),
               _count(and_(Case.auto_dispatched.is_(True), agreed)))
        .where(Case.routing_model_id.is_not(None))
        .group_by(Case.routing_model_id))
    usage = {}
    for version, suggested, dispatched, agreed_n, auto, auto_kept in rows:
        dispatched, agreed_n, auto, auto_kept = (int(n or 0) for n in (dispatched, agreed_n, auto, auto_kept))
        usage[version] = {
            "suggested": suggested, "dispatched": dispatched, "agreed": agreed_n,
            "agreement": _rate(agreed_n, dispatched), "auto": auto, "auto_share": _rate(auto, suggested),
            "auto_kept": auto_kept, "auto_kept_rate": _rate(auto_kept, auto)}
    return usage


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
