"""Heat map figures per BPMN element and per sequence flow (issue 21 §1, §5).

Per user task: `cases` (cases that did it at least once), `passes` (times done: a task done
twice in one case is two passes), median and p90 time spent (opened → done, nearest rank, done
passes only), `breached` (passes done after their due time, or still open past it) and `open`
(waiting now). Per fired timer event: cases and passes. Per sequence flow: how many times cases
took it and in how many cases, inferred from consecutive steps on the shown deployment's graph
(`flow_counts`)."""
from __future__ import annotations

from collections import Counter, defaultdict

from ..runtime import Runtime
from . import rollup
from .model import Scope, graph_for, model_cached, shown_deployment
from .paths import cached_groups
from .trail import task_figures, timer_rows


@model_cached
def elements(rt: Runtime, scope: Scope) -> dict:
    now = rt.clock.now()
    if rollup.enabled(rt):
        rollup.refresh(rt)
    with rt.uow() as uow:
        session = uow.session
        deployment_id = shown_deployment(session, scope)
        graph = graph_for(rt, session, deployment_id)
        rows = rollup.element_rows(session, scope) if rollup.enabled(rt) else None
        if rows is not None and sum(r["passes"] for r in rows.values()) > rollup.exact_max(rt):
            figures, timers = _from_rollup(rows, rollup.open_tasks(session, scope, now))
            percentiles = "estimated"
        else:
            figures, timers = task_figures(session, scope, now), _timers(timer_rows(session, scope))
            percentiles = "exact"
    items = []
    for name, f in sorted(figures.items()):
        seen = f["passes"] + f["open"]
        items.append(_element(graph, name, "userTask") | f | {
            "breached_share": round(f["breached"] / seen, 4) if seen else None})
    for name in sorted(timers):
        items.append(_element(graph, name, "boundaryEvent") | {
            "cases": timers[name][1], "passes": timers[name][0], "open": 0,
            "median_seconds": None, "p90_seconds": None, "breached": None, "breached_share": None})
    items.sort(key=lambda e: (graph.processes.index(e["process_id"])
                              if e["process_id"] in graph.processes else 99, -e["passes"]))
    return {"deployment_id": deployment_id, "across_versions": scope.deployment is None,
            "percentiles": percentiles, "items": items}


def _timers(rows) -> dict[str, tuple[int, int]]:
    """(element id, case id) rows of fired timers → element → (passes, cases)."""
    passes, cases = Counter(), defaultdict(set)
    for name, case_id in rows:
        passes[name] += 1
        cases[name].add(case_id)
    return {name: (passes[name], len(cases[name])) for name in passes}


def _from_rollup(rows: dict, opened: dict) -> tuple[dict, dict]:
    figures, timers = {}, {}
    for (source, name), r in rows.items():
        if source == "e":
            timers[name] = (r["passes"], r["cases"])
            continue
        still, late = opened.get(name, (0, 0))
        figures[name] = {"passes": r["passes"], "open": still, "cases": r["cases"],
                         "median_seconds": rollup.estimate(r["histogram"], 0.5),
                         "p90_seconds": rollup.estimate(r["histogram"], 0.9),
                         "breached": r["breached"] + late}
    for name, (still, late) in opened.items():
        if name not in figures:
            figures[name] = {"passes": 0, "open": still, "cases": 0, "median_seconds": None,
                             "p90_seconds": None, "breached": late}
    return figures, timers


def _element(graph, element_id: str, kind: str) -> dict:
    node = graph.node_of(element_id) or next(
        (key for key, e in graph.elements.items() if e.element_id == element_id and e.type == kind),
        None)
    element = graph.elements.get(node) if node else None
    return {"process_id": element.process_id if element else None, "element_id": element_id,
            "name": element.name if element else element_id,
            "in_model": element is not None}


@model_cached
def flows(rt: Runtime, scope: Scope) -> dict:
    with rt.uow() as uow:
        session = uow.session
        deployment_id = shown_deployment(session, scope)
        graph = graph_for(rt, session, deployment_id)
        groups = cached_groups(rt, scope)
    passes, cases = flow_counts(graph, [(g.path, g.count) for g in groups])
    items = []
    for key, count in sorted(passes.items(), key=lambda kv: (-kv[1], graph.flows[kv[0]][:2])):
        pid, flow_id, name = graph.flows[key]
        items.append({"process_id": pid, "flow_id": flow_id, "name": name,
                      "passes": count, "cases": cases[key]})
    return {"deployment_id": deployment_id, "across_versions": scope.deployment is None,
            "items": items}


def flow_counts(graph, paths) -> tuple[Counter, Counter]:
    """Flows taken, counted per distinct path (path, cases) once and multiplied by its cases."""
    passes, cases = Counter(), Counter()
    for path, count in paths:
        taken = Counter()
        for i, step in enumerate(path):
            for flow in reached_by(graph, path, i) or ():
                taken[flow] += 1
        for flow, n in taken.items():
            passes[flow] += n * count
            cases[flow] += count
    return passes, cases


def reached_by(graph, path, i) -> list[str] | None:
    """The flows that led to step `i`: the route from the latest earlier step (or the start)
    that has one (a step of a parallel branch follows the branch's split, not the step before
    it in time). None: no earlier step reaches it in the model."""
    for j in range(i - 1, -2, -1):
        route = graph.route(path[j] if j >= 0 else None, path[i])
        if route is not None:
            return route
    return None
