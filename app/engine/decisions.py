"""Evaluate a deployment's decision table outside a running case (what-if replays): the
business rule task's DMN engine with the app's sandboxed script engine, on plain inputs."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from .bundle import BundleError, _check_scripts
from .xml import XmlRejected, parse_xml


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


def table_decider(filename: str, dmn_xml: str, decision_id: str, script_engine):
    """A function inputs -> outputs of decision `decision_id` in one DMN file (a draft), without
    parsing the whole bundle; its expressions pass the same sandbox check as a deployment's."""
    try:
        root = parse_xml(dmn_xml)
    except XmlRejected as err:
        raise BundleError(str(err), filename) from err
    _check_scripts(filename, root)
    parser = SpiffBpmnParser()
    try:
        parser.add_dmn_xml(root, filename=filename)
        engine = parser.get_engine(decision_id, None)
    except ValidationException as err:
        raise BundleError(str(err).split("\n")[0], filename) from err
    except Exception as err:  # noqa: BLE001 - SpiffWorkflow raises plain exceptions for some inputs
        raise BundleError(f"决策表解析失败: {err}", filename) from err
    workflow = _Workflow(script_engine)
    return lambda inputs: dict(engine.result(_Task(dict(inputs), workflow)))
