"""P18 hotspots: the top domains of consultations (咨询) and of complaints (投诉) in a period,
with the change against the previous period of equal length."""
from __future__ import annotations

from sqlalchemy import func, select

from app.db.models import Case

from ..runtime import Runtime
from .filters import Filters, conditions

HOTSPOT_KINDS = ("咨询", "投诉")
UNCLASSIFIED = "未分类"


def hotspots(rt: Runtime, filters: Filters, top: int = 10) -> dict:
    previous = filters.previous()
    with rt.uow() as uow:
        session = uow.session
        result = {"previous": previous.as_query() if previous else None, "kinds": {}}
        for kind in HOTSPOT_KINDS:
            if filters.kind is not None and filters.kind != kind:
                result["kinds"][kind] = []
                continue
            now = _counts(session, filters.with_(kind=kind))
            before = _counts(session, previous.with_(kind=kind)) if previous else {}
            total = sum(now.values())
            rows = []
            for domain, count in sorted(now.items(), key=lambda i: (-i[1], i[0]))[:top]:
                prev = before.get(domain, 0) if previous else None
                rows.append({"kind": kind, "domain": domain, "count": count,
                             "share": round(count / total, 4) if total else None,
                             "previous": prev,
                             "change": None if prev is None else count - prev,
                             "change_rate": round((count - prev) / prev, 4) if prev else None})
            result["kinds"][kind] = rows
        return result


def rows(result: dict) -> list[dict]:
    """Both kinds' rows as one table (for export)."""
    return [row for kind in HOTSPOT_KINDS for row in result["kinds"].get(kind, [])]


def _counts(session, filters: Filters) -> dict[str, int]:
    domain = func.coalesce(Case.domain, UNCLASSIFIED)
    return {d: int(n) for d, n in session.execute(
        select(domain, func.count()).where(*conditions(session, filters)).group_by(domain))}
