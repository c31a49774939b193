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
from .elements import reached_by
from .model import Scope, graph_for
from .trail import case_trails

MAX_LISTED = 500


def conformance(rt: Runtime, scope: Scope, limit: int = MAX_LISTED) -> dict:
    with rt.uow() as uow:
        session = uow.session
        current = latest(session).id
        graph = graph_for(rt, session, current)
        trails = case_trails(session, scope)
    verdicts: dict[tuple, dict | None] = {}
    deviating, reasons = [], Counter()
    for trail in trails:
        path = tuple(trail.steps)
        if path not in verdicts:
            verdicts[path] = first_deviation(graph, path)
        deviation = verdicts[path]
        if deviation is None:
            continue
        reasons[deviation["reason"]] += 1
        deviating.append({"number": trail.number, "deployment_id": trail.deployment_id,
                          "older_version": trail.deployment_id != current,
                          "created_at": trail.created_at.isoformat(),
                          "steps": len(path), "deviation": deviation})
    deviating.sort(key=lambda d: d["created_at"], reverse=True)
    return {"deployment_id": current, "cases": len(trails), "fitting": len(trails) - len(deviating),
            "deviating": len(deviating), "reasons": dict(reasons), "items": deviating[:limit]}


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
