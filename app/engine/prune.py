"""Compaction of a serialized workflow state: what the engine no longer needs leaves the state.

A case that goes round (不满意 → 督办 → handled again) adds every round's completed tasks to its
main process's task tree, and the finished subprocesses of every round to `subprocesses`:
loading and saving a case got dearer with each round. The trail (audit events) keeps the history;
the state keeps what the engine needs to go on (issue 20 §2):

- the task tree from the *cut* down: the cut is the lowest common ancestor of everything that is
  not finished (and of each one's parent, so a boundary event split above an open activity stays,
  with its fired timers), of the last completed task, of the split of an unfinished boundary /
  start-event join, and of every instance of an unstructured join (parallel, inclusive, end join:
  SpiffWorkflow reads their other instances, so where a process loops through one nothing
  above it is dropped). Everything outside the cut's subtree is finished; it is dropped, the root
  task stays (the case's first data), the cut becomes its child and carries its own data as a
  delta against the root;
- subprocesses whose calling task is gone or was cancelled, and finished ones whose call
  completed (their data is the caller's already);
- uncaught terminate events (SpiffWorkflow keeps them in `bpmn_events` for an application that
  asks; none does).

What was dropped is still drawn: `done` maps a (sub)process spec name to the task spec names that
completed in it, so the case diagram marks them as completed (app/engine/diagram.py).
Works on the dict alone (no specs), so a migration can compact stored states.
"""
from __future__ import annotations

import re

FINISHED = 64 | 128 | 256   # TaskState COMPLETED | ERROR | CANCELLED
COMPLETED = 64
CANCELLED = 256
DONE_KEY = "qisu_done"


def _structured_split(name: str) -> str | None:
    """The split of a boundary / start-event join (`rate.BoundaryEventJoin` → `rate.BoundaryEventSplit`)."""
    for kind in ("BoundaryEvent", "StartEvent"):
        suffix = f".{kind}Join"
        if name.endswith(suffix):
            return name[: -len(suffix)] + f".{kind}Split"
    return None


def _path(tasks: dict, task_id: str) -> list[str]:
    """Ids from the root down to `task_id`."""
    path = []
    while task_id is not None and task_id in tasks:
        path.append(task_id)
        task_id = tasks[task_id]["parent"]
    path.reverse()
    return path


def _anchors(wf: dict, join_specs) -> set[str]:
    tasks = wf["tasks"]
    anchors = set()
    for task_id, task in tasks.items():
        name = task["task_spec"]
        if name in join_specs or name.endswith(".EndJoin"):
            anchors.add(task_id)
        if task["state"] & FINISHED:
            continue
        anchors.add(task_id)
        if task["parent"] is not None:
            anchors.add(task["parent"])
        split = _structured_split(name)
        if split is not None:
            anchors.update(i for i in _path(tasks, task_id) if tasks[i]["task_spec"] == split)
    if wf.get("last_task") in tasks:
        anchors.add(wf["last_task"])
    return anchors


def _materialized(tasks: dict, path: list[str]) -> dict:
    """The data of the last task of `path`, as SpiffWorkflow's TaskConverter rebuilds it."""
    data = dict(tasks[path[0]]["data"])
    for task_id in path[1:]:
        task = tasks[task_id]
        delta = task.get("delta")
        if delta:
            data = {**data, **delta.get("updates", {})}
            for key in delta.get("deletions", ()):
                data.pop(key, None)
        else:
            data = dict(task["data"])
    return data


def cut_history(wf: dict, join_specs=frozenset(), done: set | None = None) -> set[str]:
    """Drop the finished history above the cut of one (sub)workflow dict, in place; returns the
    ids of the dropped tasks. Completed task spec names dropped go into `done`."""
    tasks = wf["tasks"]
    root = wf["root"]
    anchors = _anchors(wf, join_specs)
    if not anchors or root not in tasks:
        return set()
    paths = [_path(tasks, a) for a in anchors]
    common = []
    for ids in zip(*paths):
        if len(set(ids)) != 1:
            break
        common.append(ids[0])
    if not common or common[0] != root:
        return set()
    for index, task_id in enumerate(common[1:], 1):  # never above an unfinished task
        if not tasks[task_id]["state"] & FINISHED:
            common = common[: index + 1]
            break
    if len(common) <= 2:  # the cut is the root or its child: nothing to drop
        return set()
    cut = common[-1]
    keep = {root}
    stack = [cut]
    while stack:
        task_id = stack.pop()
        if task_id in tasks and task_id not in keep:
            keep.add(task_id)
            stack.extend(tasks[task_id]["children"])
    data = _materialized(tasks, common)
    root_data = tasks[root]["data"]
    dropped = set(tasks) - keep
    for task_id in dropped:
        if done is not None and tasks[task_id]["state"] == COMPLETED:
            done.add(tasks[task_id]["task_spec"])
        del tasks[task_id]
    tasks[root]["children"] = [cut]
    tasks[cut]["parent"] = root
    tasks[cut]["data"] = {}
    tasks[cut]["delta"] = {"updates": {k: v for k, v in data.items()
                                       if k not in root_data or root_data[k] != v},
                           "deletions": [k for k in root_data if k not in data]}
    return dropped


_GATEWAY = re.compile(r'<(?:\w+:)?(?:parallelGateway|inclusiveGateway|complexGateway)\b[^>]*?\sid="([^"]+)"')


def join_names_in_xml(*xml_texts: str) -> frozenset[str]:
    """The ids of the joining gateways of BPMN files (for states compacted without specs)."""
    return frozenset(name for xml in xml_texts for name in _GATEWAY.findall(xml))


def _drawn(name: str) -> bool:
    """Whether a task spec name can be a BPMN element (not SpiffWorkflow's Start, End,
    `x.BoundaryEventSplit`, `x.EndJoin`, ...)."""
    return name not in ("Start", "End") and "." not in name


def _completed_names(wf: dict) -> set[str]:
    return {t["task_spec"] for t in wf["tasks"].values() if t["state"] == COMPLETED}


def _terminate(event) -> bool:
    """A terminate event, serialized or (the serializer's encoder mode) still an object."""
    if isinstance(event, dict):
        return (event.get("event_definition") or {}).get("typename") == "TerminateEventDefinition"
    return type(getattr(event, "event_definition", None)).__name__ == "TerminateEventDefinition"


def compact_state(dct: dict, join_specs=frozenset()) -> dict:
    """Compact a serialized top workflow (with its `subprocesses`) in place; see the module."""
    done = {name: set(names) for name, names in (dct.get(DONE_KEY) or {}).items()}
    top_name = dct.get("spec_name") or ""
    subs = dct.get("subprocesses") or {}

    def record(spec_name: str, names) -> None:
        names = {name for name in names if _drawn(name)}
        if names:
            done.setdefault(spec_name, set()).update(names)

    def drop_subprocesses() -> None:
        """Those whose calling task is gone or cancelled, or finished with their call completed."""
        while True:
            owner = {task_id: sp for sp in subs.values() for task_id in sp["tasks"]}
            drop = []
            for key, sp in subs.items():
                where = owner.get(sp.get("parent_task_id"), dct)
                caller = where["tasks"].get(sp.get("parent_task_id"))
                if caller is None or caller["state"] == CANCELLED or \
                        (sp.get("completed") and caller["state"] == COMPLETED):
                    drop.append(key)
            if not drop:
                return
            for key in drop:
                record(subs[key].get("spec") or "", _completed_names(subs[key]))
                del subs[key]

    drop_subprocesses()
    for wf, spec_name in [(dct, top_name), *((sp, sp.get("spec") or "") for sp in subs.values())]:
        names: set[str] = set()
        cut_history(wf, join_specs, names)
        record(spec_name, names)
    drop_subprocesses()  # whose callers the cut took
    events = dct.get("bpmn_events")
    if events:
        dct["bpmn_events"] = [e for e in events if not _terminate(e)]
    if done:
        dct[DONE_KEY] = {name: sorted(names) for name, names in sorted(done.items())}
    return dct
