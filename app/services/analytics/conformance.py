"""Conformance (issue 21 §3): cases whose trail does not fit the current model.

A case fits when each of its steps (user tasks, in the order they opened) is an element of the
current deployment's model and is reachable from an earlier step — or from the start — without
passing another user task (`elements.reached_by`). The first step that is not is the case's
first deviation: a step the model does not have (e.g. a task renamed since the case started on
an older version) or a step the model does not lead to from where the case was (skipped or
repeated by hand)."""
from __future__ import annotations

from collections import Counter

from ..deployments import latest
from ..runtime import Runtime
from . import rollup
from .elements import reached_by
from .model import Scope, graph_for, model_cached
from .paths import cached_groups, cases_on

MAX_LISTED = 500


@model_cached
def conformance(rt: Runtime, scope: Scope, limit: int = MAX_LISTED) -> dict:
    if rollup.enabled(rt):
        rollup.refresh(rt)
    with rt.uow() as uow:
        session = uow.session
        current = latest(session).id
        graph = graph_for(rt, session, current)
        groups = cached_groups(rt, scope)
        verdicts = {g.path: first_deviation(graph, g.path) for g in groups}
        reasons, total, off = Counter(), 0, 0
        for g in groups:
            total += g.count
            if verdicts[g.path] is not None:
                off += g.count
                reasons[verdicts[g.path]["reason"]] += g.count
        listed = cases_on(session, scope, {p for p, v in verdicts.items() if v}, limit,
                          rollup.enabled(rt))
    items = [{"number": c["number"], "deployment_id": c["deployment_id"],
              "older_version": c["deployment_id"] != current, "created_at": c["created_at"],
              "steps": len(c["path"]), "deviation": verdicts[c["path"]]} for c in listed]
    return {"deployment_id": current, "cases": total, "fitting": total - off, "deviating": off,
            "reasons": dict(reasons), "items": items}


def first_deviation(graph, path: tuple[str, ...]) -> dict | None:
    for i, step in enumerate(path):
        after = path[i - 1] if i else None
        where = {"index": i, "element_id": step, "after": after,
                 "name": _name(graph, step), "after_name": _name(graph, after) if after else None}
        if graph.node_of(step) is None:
            return where | {"reason": "not_in_model"}
        if reached_by(graph, path, i) is None:
            return where | {"reason": "repeated" if step in path[:i] else "unexpected"}
    return None


def _name(graph, element_id: str) -> str:
    node = graph.node_of(element_id)
    return graph.elements[node].name if node else element_id
