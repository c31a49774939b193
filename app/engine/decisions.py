"""Evaluate a deployment's decision table outside a running case (what-if replays): the
business rule task's DMN engine with the app's sandboxed script engine, on plain inputs."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin


@dataclass
class _Workflow:
    script_engine: Any


@dataclass
class _Task:
    """What SpiffWorkflow's DMNEngine reads of a task: its data and its workflow's engine."""
    data: dict
    workflow: _Workflow


class DecisionNotFound(LookupError):
    pass


def decider(bundle, task_id: str, script_engine):
    """A function inputs -> outputs of the business rule task `task_id` of `bundle`."""
    for spec in [bundle.spec, *bundle.subprocess_specs.values()]:
        task_spec = spec.task_specs.get(task_id)
        if isinstance(task_spec, BusinessRuleTaskMixin):
            engine = task_spec.dmnEngine
            workflow = _Workflow(script_engine)
            return lambda inputs: dict(engine.result(_Task(dict(inputs), workflow)))
    raise DecisionNotFound(task_id)
