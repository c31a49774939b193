"""app/engine/prune.py on hand-made serialized states: what is cut, what stays, and the data the
cut task carries (SpiffWorkflow rebuilds a task's data from its parent's plus its delta)."""
from __future__ import annotations

from app.engine.prune import DONE_KEY, compact_state, join_names_in_xml

COMPLETED, CANCELLED, READY, WAITING, FUTURE = 64, 256, 16, 8, 4


def _wf(*rows, last=None) -> dict:
    """rows: (id, parent, spec, state, delta updates); the first row is the root (data = updates)."""
    tasks = {}
    for task_id, parent, spec, state, updates in rows:
        tasks[task_id] = {"id": task_id, "parent": parent, "children": [], "state": state,
                          "task_spec": spec, "internal_data": {},
                          "data": updates if parent is None else {},
                          "delta": {} if parent is None else {"updates": updates, "deletions": []}}
        if parent is not None:
            tasks[parent]["children"].append(task_id)
    return {"tasks": tasks, "root": rows[0][0], "last_task": last, "spec_name": "main",
            "subprocesses": {}, "bpmn_events": []}


def _loop_state(**overrides):
    rows = [("r", None, "Start", COMPLETED, {"a": 1}),
            ("s", "r", "start", COMPLETED, {}),
            ("t1", "s", "rate", COMPLETED, {"rating": "不满意"}),
            ("x1", "s", "timer_due", CANCELLED, {}),
            ("g", "t1", "gw", COMPLETED, {"round": 1}),
            ("t2", "g", "supervise", READY, {}),
            ("f", "t2", "gw_redo", FUTURE, {})]
    rows = [overrides.get(r[0], r) for r in rows]
    return _wf(*rows, last="g")


def test_the_finished_history_above_the_cut_goes_and_the_cut_keeps_its_data():
    dct = compact_state(_loop_state())
    tasks = dct["tasks"]
    assert set(tasks) == {"r", "g", "t2", "f"}
    assert tasks["r"]["children"] == ["g"] and tasks["g"]["parent"] == "r"
    assert tasks["g"]["delta"] == {"updates": {"rating": "不满意", "round": 1}, "deletions": []}
    assert dct[DONE_KEY] == {"main": ["rate", "start"]}  # the cancelled timer was not completed


def test_an_unfinished_task_is_never_cut_nor_anything_above_it():
    state = _loop_state(x1=("x1", "s", "timer_due", WAITING, {}))
    dct = compact_state(state)
    assert set(dct["tasks"]) == {"r", "s", "t1", "x1", "g", "t2", "f"}
    assert DONE_KEY not in dct


def test_a_join_instance_keeps_the_history_where_it_sits():
    dct = compact_state(_loop_state(), join_specs=frozenset({"timer_due"}))
    assert {"s", "x1"} <= set(dct["tasks"])


def _sub(caller: str, completed: bool, spec: str = "handling") -> dict:
    return {"spec": spec, "completed": completed, "parent_task_id": caller, "root": "a" + caller,
            "last_task": None, "tasks": {"a" + caller: {
                "id": "a" + caller, "parent": None, "children": [], "state": COMPLETED,
                "task_spec": "sign", "data": {}, "delta": {}}}}


def test_finished_subprocesses_and_orphans_go_with_their_marks():
    dct = _loop_state()
    dct["tasks"]["g"]["children"].append("c")
    dct["tasks"]["c"] = {"id": "c", "parent": "g", "children": [], "state": CANCELLED,
                         "task_spec": "call", "data": {}, "delta": {"updates": {}, "deletions": []}}
    dct["tasks"]["t2"]["state"] = 32  # STARTED: a call activity whose subprocess runs
    dct["subprocesses"] = {"t1": _sub("t1", True), "c": _sub("c", False, "other"),
                           "t2": _sub("t2", False, "running")}
    dct["bpmn_events"] = [{"event_definition": {"typename": "TerminateEventDefinition"}},
                          {"event_definition": {"typename": "MessageEventDefinition"}}]
    compact_state(dct)
    assert list(dct["subprocesses"]) == ["t2"]  # cut's orphan and the cancelled call's are gone
    assert dct[DONE_KEY]["handling"] == ["sign"] and dct[DONE_KEY]["other"] == ["sign"]
    assert [e["event_definition"]["typename"] for e in dct["bpmn_events"]] == ["MessageEventDefinition"]


def test_compacting_twice_changes_nothing_more():
    once = compact_state(_loop_state())
    import copy
    assert compact_state(copy.deepcopy(once)) == once


def test_join_gateways_are_read_from_bpmn():
    xml = ('<bpmn:parallelGateway id="split_co" name="x"/><bpmn:exclusiveGateway id="gw"/>'
           '<inclusiveGateway name="y" id="inc"/>')
    assert join_names_in_xml(xml) == {"split_co", "inc"}
