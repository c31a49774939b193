"""Variants (issue 21 §2): the distinct paths cases took — the user tasks they passed, in the
order they opened — with count, share, median lead time (closed cases: intake to closing) and
satisfaction ((非常满意 + 满意) / rated, as the dashboard). A case answered directly has the
empty path. `variant_cases` lists one variant's cases."""
from __future__ import annotations

import hashlib

from ..runtime import Runtime
from . import rollup
from .model import Scope, graph_for, model_cached, shown_deployment
from .paths import cached_groups, cases_on

MAX_CASES = 500


def variant_id(path: tuple[str, ...]) -> str:
    return hashlib.sha1(">".join(path).encode()).hexdigest()[:12]


@model_cached
def variants(rt: Runtime, scope: Scope, limit: int = 50) -> dict:
    with rt.uow() as uow:
        session = uow.session
        graph = graph_for(rt, session, shown_deployment(session, scope))
        groups = cached_groups(rt, scope)
    total = sum(g.count for g in groups)
    items = [{"id": variant_id(g.path), "path": list(g.path),
              "names": [_name(graph, step) for step in g.path],
              "count": g.count, "share": round(g.count / total, 4), "closed": g.closed,
              "median_lead_seconds": g.median_lead_seconds, "rated": g.rated,
              "satisfaction": round(g.satisfied / g.rated, 4) if g.rated else None}
             for g in groups]
    items.sort(key=lambda v: (-v["count"], v["path"]))
    return {"cases": total, "variants": len(items),
            "percentiles": "estimated" if any(g.estimated for g in groups) else "exact",
            "items": items[:limit]}


@model_cached
def variant_cases(rt: Runtime, scope: Scope, vid: str, limit: int = MAX_CASES) -> dict:
    groups = [g for g in cached_groups(rt, scope) if variant_id(g.path) == vid]
    if rollup.enabled(rt):
        rollup.refresh(rt)
    with rt.uow() as uow:
        items = cases_on(uow.session, scope, {g.path for g in groups}, limit, rollup.enabled(rt))
    return {"id": vid, "count": sum(g.count for g in groups),
            "path": list(groups[0].path) if groups else None,
            "items": [{k: v for k, v in item.items() if k != "path"} for item in items]}


def _name(graph, element_id: str) -> str:
    node = graph.node_of(element_id)
    return graph.elements[node].name if node else element_id
