"""Variants (issue 21 §2): the distinct paths cases took — the user tasks they passed, in the
order they opened — with count, share, median lead time (closed cases: intake to closing) and
satisfaction ((非常满意 + 满意) / rated, as the dashboard). A case answered directly has the
empty path. `variant_cases` lists one variant's cases."""
from __future__ import annotations

import hashlib
from collections import defaultdict

from ..runtime import Runtime
from .model import Scope, graph_for, shown_deployment
from .stats import nearest_rank
from .trail import case_trails

SATISFIED = ("非常满意", "满意")
MAX_CASES = 500


def variant_id(path: tuple[str, ...]) -> str:
    return hashlib.sha1(">".join(path).encode()).hexdigest()[:12]


def variants(rt: Runtime, scope: Scope, limit: int = 50) -> dict:
    with rt.uow() as uow:
        session = uow.session
        graph = graph_for(rt, session, shown_deployment(session, scope))
        trails = case_trails(session, scope)
    groups = defaultdict(list)
    for trail in trails:
        groups[tuple(trail.steps)].append(trail)
    total = len(trails)
    items = []
    for path, members in groups.items():
        lead = sorted(t.handling_seconds for t in members if t.handling_seconds is not None)
        rated = [t.rating for t in members if t.rating]
        items.append({
            "id": variant_id(path), "path": list(path),
            "names": [_name(graph, step) for step in path],
            "count": len(members), "share": round(len(members) / total, 4),
            "closed": len(lead), "median_lead_seconds": nearest_rank(lead, 0.5),
            "rated": len(rated),
            "satisfaction": round(sum(r in SATISFIED for r in rated) / len(rated), 4) if rated else None})
    items.sort(key=lambda v: (-v["count"], v["path"]))
    return {"cases": total, "variants": len(items), "items": items[:limit]}


def variant_cases(rt: Runtime, scope: Scope, vid: str, limit: int = MAX_CASES) -> dict:
    with rt.uow() as uow:
        trails = case_trails(uow.session, scope)
    members = [t for t in trails if variant_id(tuple(t.steps)) == vid]
    members.sort(key=lambda t: t.created_at, reverse=True)
    return {"id": vid, "count": len(members),
            "path": members[0].steps if members else None,
            "items": [{"number": t.number, "created_at": t.created_at.isoformat(),
                       "closed_at": t.closed_at.isoformat() if t.closed_at else None,
                       "lead_seconds": t.handling_seconds, "rating": t.rating,
                       "deployment_id": t.deployment_id} for t in members[:limit]]}


def _name(graph, element_id: str) -> str:
    node = graph.node_of(element_id)
    return graph.elements[node].name if node else element_id
