"""Compare the fast state codec (app/engine/codec.py) with SpiffWorkflow's own converters.

Every dump and load of app.engine.state is done both ways: the JSON must be the same string, and
the loaded trees the same tasks with the same data. Used by tests/integration/test_state_codec.py;
as a plugin (`-p tests.codec_check`) it checks every state of a whole test run."""
from __future__ import annotations

import json

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (BpmnSubWorkflowConverter,
                                                            BpmnWorkflowConverter)
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from app.engine import state
from app.engine.iteration import QisuSubWorkflow, QisuWorkflow
from app.engine.prune import DONE_KEY, compact_state

seen = {"dumps": 0, "loads": 0}


class _Reference(BpmnWorkflowConverter):
    """app.engine.state's converter with SpiffWorkflow's task mappings (no codec.py)."""
    to_dict = state.StateOnlyWorkflowConverter.to_dict
    from_dict = state.StateOnlyWorkflowConverter.from_dict


def _reference_serializer():
    # The engine's classes under SpiffWorkflow's type names first, so that loading (the converter
    # registered last for a type name) makes plain SpiffWorkflow objects.
    config = {QisuWorkflow: lambda cls, registry: _Reference(cls, registry, "BpmnWorkflow"),
              QisuSubWorkflow: lambda cls, registry: BpmnSubWorkflowConverter(cls, registry,
                                                                              "BpmnSubWorkflow")}
    config.update(SPIFF_CONFIG)
    config[BpmnWorkflow] = _Reference
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


REFERENCE = _reference_serializer()


def reference_dump(workflow) -> str:
    registry = REFERENCE.registry
    registry._encoder_mode = True
    try:  # the reference converter is registered for BpmnWorkflow; convert as one
        converter = registry.convert_to_dict["BpmnWorkflow"]
        dct = converter(workflow)  # then what dump_state does after its converter
        dct[DONE_KEY] = getattr(workflow, "qisu_done", None) or {}
        compact_state(dct, state.join_specs(workflow))
        dct["state_version"] = state.STATE_VERSION
        return json.dumps(dct, cls=REFERENCE._encoder_cls, ensure_ascii=False)
    finally:
        registry._encoder_mode = False


def reference_load(text: str, spec, subprocess_specs, script_engine):
    dct = json.loads(text)
    for key in ("state_version", "spec_name", "typename", DONE_KEY):
        dct.pop(key, None)
    workflow = REFERENCE.registry.convert_from_dict["BpmnWorkflow"](
        dct, spec=spec, subprocess_specs=subprocess_specs)
    workflow.script_engine = script_engine
    return workflow


def _tasks(workflow):
    found = dict(workflow.tasks)
    for sp in workflow.subprocesses.values():
        found.update(sp.tasks)
    return found


def same_trees(fast, reference) -> None:
    mine, theirs = _tasks(fast), _tasks(reference)
    assert list(mine) == list(theirs)
    for task_id, task in mine.items():
        other = theirs[task_id]
        assert (task._parent, task._children, task._state, task.task_spec is other.task_spec,
                task.triggered, task.last_state_change, task.thread_id) == (
            other._parent, other._children, other._state, True, other.triggered,
            other.last_state_change, other.thread_id)
        assert task.data == other.data and task.internal_data == other.internal_data
        parent = task.parent
        if parent is not None:  # containers are copies of the parent's, never shared
            assert [k for k, v in task.data.items() if v is parent.data.get(k)
                    and isinstance(v, (dict, list, set))] == []
    assert sorted(map(str, fast.subprocesses)) == sorted(map(str, reference.subprocesses))
    assert sorted(str(t.id) for t in fast.event_manager.tasks.values()) == sorted(
        str(t.id) for t in reference.event_manager.tasks.values())
    assert (fast.data, fast.success, fast.completed, fast.last_task and fast.last_task.id) == (
        reference.data, reference.success, reference.completed,
        reference.last_task and reference.last_task.id)


def _checked_dump(workflow) -> str:
    text = _original_dump(workflow)
    assert text == reference_dump(workflow)
    seen["dumps"] += 1
    return text


def _checked_load(text, spec, subprocess_specs, script_engine):
    workflow = _original_load(text, spec, subprocess_specs, script_engine)
    same_trees(workflow, reference_load(text, spec, subprocess_specs, script_engine))
    seen["loads"] += 1
    return workflow


_original_dump, _original_load = state.dump_state, state.load_state


@pytest.fixture(autouse=True)
def compare_codecs(monkeypatch):
    from app.engine import runner
    monkeypatch.setattr(runner, "dump_state", _checked_dump)
    monkeypatch.setattr(runner, "load_state", _checked_load)
    yield seen
