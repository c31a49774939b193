"""The flow graph of a deployment's BPMN, as plain data, for analytics over the trail.

The trail records the user tasks a case passed (`human_tasks`), not the gateways, service tasks
and events between them. `ProcessGraph.route(a, b)` finds the sequence flows a case took from
user task `a` to user task `b`: the shortest path through elements the trail does not record.
Embedded subprocesses and call activities are entered at their start events and left from their
end events; a boundary event can be reached from anywhere inside its activity. No path means the
step does not fit the model (conformance).
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from .xml import parse_xml

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SKIP = {"sequenceFlow", "laneSet", "documentation", "extensionElements", "incoming", "outgoing",
        "dataObject", "dataObjectReference", "textAnnotation", "association", "ioSpecification",
        "multiInstanceLoopCharacteristics", "standardLoopCharacteristics", "property",
        "dataInputAssociation", "dataOutputAssociation"}
USER_TASK = "userTask"
START = "@start"   # the virtual node before a process's start events
BOUNDARY = 50     # cost of leaving an activity by a boundary event


@dataclass
class Element:
    process_id: str        # the process whose diagram draws it
    element_id: str
    name: str
    type: str              # BPMN tag without namespace: userTask, exclusiveGateway, ...


@dataclass
class ProcessGraph:
    main: str
    processes: list[str]
    elements: dict[str, Element] = field(default_factory=dict)       # node key -> element
    flows: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # key -> (pid, fid, name)
    edges: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)  # node -> (next, flow key)
    user_tasks: dict[str, str] = field(default_factory=dict)         # element id -> node key
    files: dict[str, str] = field(default_factory=dict)              # process id -> filename
    names: dict[str, str] = field(default_factory=dict)              # process id -> name
    _routes: dict = field(default_factory=dict, repr=False)

    def node_of(self, element_id: str) -> str | None:
        return self.user_tasks.get(element_id)

    def route(self, source: str | None, target: str) -> list[str] | None:
        """Flow keys on the shortest path from user task `source` (None: the main process's
        start) to user task `target` through unrecorded elements; None when there is none."""
        key = (source, target)
        if key not in self._routes:
            self._routes[key] = self._search(source, target)
        return self._routes[key]

    def _search(self, source, target):
        start = START if source is None else self.user_tasks.get(source)
        goal = self.user_tasks.get(target)
        if start is None or goal is None:
            return None
        # Dijkstra: a sequence flow costs 1, entering or leaving a scope 0, leaving by a
        # boundary event BOUNDARY (so the normal way out wins when both reach the target).
        queue, best, order = [(0, 0, start, [], False)], {start: 0}, 0
        while queue:
            cost, _, node, path, moved = heapq.heappop(queue)
            if node == goal and moved:
                return path
            if cost > best.get(node, cost):
                continue
            for nxt, flow in self.edges.get(node, ()):
                step = path + [flow] if flow else path
                weight = 1 if flow else BOUNDARY if self._boundary(nxt) else 0
                if nxt != goal and self._recorded(nxt):
                    continue
                if nxt != goal:
                    if best.get(nxt, cost + weight + 1) <= cost + weight:
                        continue
                    best[nxt] = cost + weight
                order += 1
                heapq.heappush(queue, (cost + weight, order, nxt, step, True))
        return None

    def _boundary(self, node: str) -> bool:
        element = self.elements.get(node)
        return element is not None and element.type == "boundaryEvent"

    def _recorded(self, node: str) -> bool:
        element = self.elements.get(node)
        return element is not None and element.type == USER_TASK


def build(files: dict[str, str], main: str) -> ProcessGraph:
    """The graph of every BPMN file of a bundle (filename -> XML)."""
    graph = ProcessGraph(main=main, processes=[])
    roots = {}
    for name in sorted(files):
        if name.endswith(".bpmn"):
            root = parse_xml(files[name])
            for process in root.iter(f"{BPMN}process"):
                roots[process.get("id")] = process
                graph.files[process.get("id")] = name
                graph.names[process.get("id")] = process.get("name") or process.get("id")
    order = [main] + sorted(p for p in roots if p != main)
    graph.processes = [p for p in order if p in roots]
    calls = []
    for pid in graph.processes:
        _walk(graph, pid, roots[pid], None, [], calls)
    for node, called in calls:   # call activity: into the called process, out of its ends
        if called in roots:
            _link_scope(graph, node, called, roots[called])
    for pid in graph.processes:
        if pid == main:
            for start in _starts(pid, roots[pid]):
                _edge(graph, START, start, None)
    return graph


def _key(pid, element_id):
    return f"{pid}:{element_id}"


def _edge(graph, a, b, flow):
    graph.edges.setdefault(a, []).append((b, flow))


def _walk(graph, pid, container, scope, ancestors, calls):
    """Add the elements and flows of a process or embedded subprocess `container`."""
    for child in container:
        tag = _tag(child)
        if tag is None or tag in SKIP:
            continue
        element_id = child.get("id")
        node = _key(pid, element_id)
        graph.elements[node] = Element(pid, element_id, child.get("name") or "", tag)
        if tag == USER_TASK:
            graph.user_tasks.setdefault(element_id, node)
        for holder in ancestors:           # inside: may leave by the holder's boundary events
            _edge(graph, node, holder + "#in", None)
        if child.find(f"{BPMN}multiInstanceLoopCharacteristics") is not None or \
                child.find(f"{BPMN}standardLoopCharacteristics") is not None:
            _edge(graph, node, node, None)
        if tag == "boundaryEvent":
            host = _key(pid, child.get("attachedToRef"))
            _edge(graph, host, node, None)
            _edge(graph, host + "#in", node, None)
        if tag == "subProcess":
            _walk(graph, pid, child, node, ancestors + [node], calls)
            _link_scope(graph, node, pid, child)
        if tag == "callActivity":
            calls.append((node, child.get("calledElement")))
    for flow in container.iter(f"{BPMN}sequenceFlow"):
        if flow.getparent() is not container:
            continue
        fkey = _key(pid, flow.get("id"))
        source, target = _key(pid, flow.get("sourceRef")), _key(pid, flow.get("targetRef"))
        graph.flows[fkey] = (pid, flow.get("id"), flow.get("name") or "")
        exit_of = source + "#exit" if _is_scope(graph, source) else source
        _edge(graph, exit_of, target, fkey)


def _link_scope(graph, node, pid, container):
    """`node` (subprocess or call activity) enters at the container's start events, leaves from
    its end events (`node#exit`, where its outgoing flows start)."""
    for start in _starts(pid, container):
        _edge(graph, node, start, None)
    for end in container:
        if _tag(end) == "endEvent":
            _edge(graph, _key(pid, end.get("id")), node + "#exit", None)
            _edge(graph, _key(pid, end.get("id")), node + "#in", None)
    if graph.elements[node].type == "callActivity":
        for child in container.iter():
            tag = _tag(child)
            if tag and tag not in SKIP and child.get("id"):
                _edge(graph, _key(pid, child.get("id")), node + "#in", None)


def _is_scope(graph, node) -> bool:
    element = graph.elements.get(node)
    return element is not None and element.type in ("subProcess", "callActivity")


def _starts(pid, container):
    return [_key(pid, c.get("id")) for c in container if _tag(c) == "startEvent"]


def _tag(element) -> str | None:
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith(BPMN):
        return None
    return tag[len(BPMN):]
