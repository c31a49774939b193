"""Workflow state (de)serialization that leaves the spec out.

The spec belongs to the deployment and is parsed once per process (see `SpecCache`); each case
row only stores the state of its task tree. Loading re-attaches the cached spec objects, so a
request never re-parses or re-builds the process definition.
"""
from __future__ import annotations

import json
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (BpmnSubWorkflowConverter,
                                                            BpmnWorkflowConverter,
                                                            WorkflowConverter)
from SpiffWorkflow.bpmn.specs.control import BoundaryEventJoin, StartEventJoin
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.specs.Join import Join

from .codec import FastTaskMappings
from .iteration import QisuSubWorkflow, QisuWorkflow
from .prune import DONE_KEY, compact_state

STATE_VERSION = "qisu-2"  # qisu-2: compacted (app/engine/prune.py)
COMPLETED = 64  # SpiffWorkflow's TaskState.COMPLETED in a serialized task


class StateOnlyWorkflowConverter(FastTaskMappings, BpmnWorkflowConverter):
    """Like SpiffWorkflow's converter for the top workflow, without `spec`/`subprocess_specs`."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["spec_name"] = workflow.spec.name
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class SubWorkflowConverter(FastTaskMappings, BpmnSubWorkflowConverter):
    """SpiffWorkflow's subprocess converter with the task mappings of codec.py."""


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = StateOnlyWorkflowConverter
    # Stored under SpiffWorkflow's own type names; restored as the classes with the fast walk.
    config[QisuWorkflow] = lambda cls, registry: StateOnlyWorkflowConverter(cls, registry, "BpmnWorkflow")
    config[QisuSubWorkflow] = lambda cls, registry: SubWorkflowConverter(cls, registry,
                                                                         "BpmnSubWorkflow")
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


_SERIALIZER = _make_serializer()
# A serializer with the spec included, for benchmarks that compare against plain SpiffWorkflow.
FULL_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def prune_finished_subprocesses(dct: dict) -> dict:
    """Drop the finished subprocesses of earlier rounds from a serialized state (in place).

    Every handling round runs its subprocesses (unit_handling, sp_handling, ...) anew, and
    SpiffWorkflow keeps each finished one in `subprocesses` for good: a case's state grew by every
    round's tasks. A finished subprocess (completed, its calling task completed, so its data is
    already the caller's) is kept only when it is the newest finished one of its process, so the
    diagram still shows what the last round did inside it; older ones, and subprocesses nested in
    them, are dropped. The audit trail keeps the history. Loading ignores a missing subprocess of a
    completed call, and nothing waits in one. The live workflow object is not touched.
    Migration 0051 uses it; saving now compacts further (`prune.compact_state`)."""
    subs = dct.get("subprocesses") or {}
    owner_of = {task_id: key for key, sp in subs.items() for task_id in sp["tasks"]}

    def owner_task(sp: dict) -> dict | None:
        parent_id = sp.get("parent_task_id")
        where = subs.get(owner_of.get(parent_id), dct)
        return where["tasks"].get(parent_id)

    newest: dict[str, tuple[float, str]] = {}
    finished = set()
    for key, sp in subs.items():
        caller = owner_task(sp)
        if not sp.get("completed") or caller is None or caller.get("state") != COMPLETED:
            continue
        finished.add(key)
        stamp = max((t.get("last_state_change") or 0.0) for t in sp["tasks"].values())
        if sp.get("spec") not in newest or stamp > newest[sp.get("spec")][0]:
            newest[sp.get("spec")] = (stamp, key)
    drop = finished - {key for _stamp, key in newest.values()}
    while True:  # and whatever ran inside a dropped one
        nested = {key for key, sp in subs.items() if key not in drop
                  and owner_of.get(sp.get("parent_task_id")) in drop}
        if not nested:
            break
        drop |= nested
    for key in drop:
        del subs[key]
    return dct


def join_specs(workflow: BpmnWorkflow) -> frozenset[str]:
    """Names of the unstructured joins (parallel, inclusive gateways, ...) of the workflow's specs;
    kept on the spec object (a deployment's specs are parsed once per process)."""
    joins = getattr(workflow.spec, "_qisu_joins", None)
    if joins is None:
        specs = [workflow.spec, *workflow.subprocess_specs.values()]
        joins = frozenset(
            name for spec in specs for name, task_spec in spec.task_specs.items()
            if isinstance(task_spec, Join) and not isinstance(task_spec, (BoundaryEventJoin,
                                                                         StartEventJoin)))
        workflow.spec._qisu_joins = joins
    return joins


def dump_state(workflow: BpmnWorkflow) -> str:
    registry = _SERIALIZER.registry
    registry._encoder_mode = True
    try:
        dct = _SERIALIZER.to_dict(workflow)
        dct[DONE_KEY] = getattr(workflow, "qisu_done", None) or {}
        compact_state(dct, join_specs(workflow))
        dct["state_version"] = STATE_VERSION
        return json.dumps(dct, cls=_SERIALIZER._encoder_cls, ensure_ascii=False)
    finally:
        registry._encoder_mode = False


def load_state(state: str, spec, subprocess_specs, script_engine) -> BpmnWorkflow:
    dct = json.loads(state)
    dct.pop("state_version", None)
    dct.pop("spec_name", None)
    converter = _SERIALIZER.registry.convert_from_dict["BpmnWorkflow"]
    dct.pop("typename", None)
    done = dct.pop(DONE_KEY, None) or {}
    workflow = converter(dct, spec=spec, subprocess_specs=subprocess_specs)
    workflow.qisu_done = done  # completed elements compacted away, for the diagram
    workflow.script_engine = script_engine
    return workflow
