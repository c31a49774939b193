"""P18 hotspots: the top domains of consultations (咨询) and of complaints (投诉) in a period,
with the change against the previous period of equal length (one pass over both periods)."""
from __future__ import annotations

from sqlalchemy import func, select

from app.db.models import Case

from ..runtime import Runtime
from . import rollup
from .cache import cached
from .filters import Filters, conditions, utc_start

HOTSPOT_KINDS = ("咨询", "投诉")
UNCLASSIFIED = "未分类"


@cached
def hotspots(rt: Runtime, filters: Filters, top: int = 10) -> dict:
    previous = filters.previous()
    kinds = [k for k in HOTSPOT_KINDS if filters.kind in (None, k)]
    with rt.uow() as uow:
        counts = (_counts_rollup if rollup.enabled(rt) else _counts)(
            uow.session, filters, previous, kinds)
    result = {"previous": previous.as_query() if previous else None, "kinds": {}}
    for kind in HOTSPOT_KINDS:
        now = {d: n for (k, d, current), n in counts.items() if k == kind and current}
        before = {d: n for (k, d, current), n in counts.items() if k == kind and not current}
        total = sum(now.values())
        rows = []
        for domain, count in sorted(now.items(), key=lambda i: (-i[1], i[0]))[:top]:
            prev = before.get(domain, 0) if previous else None
            rows.append({"kind": kind, "domain": domain, "count": count,
                         "share": round(count / total, 4) if total else None, "previous": prev,
                         "change": None if prev is None else count - prev,
                         "change_rate": round((count - prev) / prev, 4) if prev else None})
        result["kinds"][kind] = rows
    return result


def rows(result: dict) -> list[dict]:
    """Both kinds' rows as one table (for export)."""
    return [row for kind in HOTSPOT_KINDS for row in result["kinds"].get(kind, [])]


def _counts(session, filters: Filters, previous: Filters | None, kinds) -> dict:
    """(kind, domain, in the current period) → count."""
    if not kinds:
        return {}
    span = filters.with_(date_from=previous.date_from) if previous else filters
    where = [*conditions(session, span.with_(kind=None)), Case.kind.in_(kinds)]
    domain = func.coalesce(Case.domain, UNCLASSIFIED)
    if previous:
        current = (Case.created_at >= utc_start(filters.date_from)).label("current")
    else:
        current = Case.red_list.is_not(None).label("current")  # always true
    rows = session.execute(select(Case.kind, domain, current, func.count())
                           .where(*where).group_by(Case.kind, domain, current)).all()
    return {(k, d, bool(c)): int(n) for k, d, c, n in rows}


def _counts_rollup(session, filters: Filters, previous: Filters | None, kinds) -> dict:
    """The same counts from the rollup: one query per period (whole months never straddle the
    boundary between the two periods that way)."""
    if not kinds:
        return {}
    R = rollup.R
    domain = rollup.labelled(R.domain)
    out: dict = {}
    for span, current in ((filters, True), (previous, False)):
        if span is None:
            continue
        rows = session.execute(select(R.kind, domain, func.sum(R.volume))
                               .where(*rollup.conditions(session, span.with_(kind=None)),
                                      R.kind.in_(kinds))
                               .group_by(R.kind, domain).having(rollup.nonempty())).all()
        out.update({(k, d, current): int(n) for k, d, n in rows})
    return out
