"""DMN decision tables of a deployment, evaluated outside a running case (the intake's routing
hint: `evaluate`; what-if replays: `decider`, `table_decider` for a draft file) and checked for
the hit policy they declare (`policy_errors`, `aggregation_errors`, at deploy).

SpiffWorkflow 3.2 evaluates a table as follows (`SpiffWorkflow.dmn.engine.DMNEngine`): UNIQUE
stops at the first matching rule without checking that no other rule matches; COLLECT gathers
every match; every other policy (FIRST, ANY, PRIORITY, RULE ORDER, OUTPUT ORDER) evaluates all
rules and returns the first match; COLLECT ignores an `aggregation` (SUM, COUNT, MIN, MAX) and
returns the list of matches. So it honours FIRST and COLLECT without aggregation as declared, and
UNIQUE only when the rules do not overlap: `policy_errors` refuses the other policies, an
aggregation and a UNIQUE table two of whose rules can match the same inputs.
"""
from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin

from .bundle import BundleError, BundleParser, _check_scripts
from .xml import XmlRejected, parse_xml

# The hit policies whose result SpiffWorkflow 3.2 computes as the DMN standard defines it.
HONOURED = ("UNIQUE", "FIRST", "COLLECT")


@dataclass(frozen=True)
class TableInfo:
    """A decision table as plain data: its decision, policy and per rule its input entries."""
    decision_id: str
    table_id: str
    hit_policy: str
    inputs: list[str]                  # input expressions
    outputs: list[str]                 # output names
    rules: list[list[str | None]]      # per rule (document order), each input entry's text or None


class _DecisionInput:
    """What DMNEngine needs of a task: its data and the workflow's script engine."""

    def __init__(self, decision_id: str, data: dict, script_engine):
        self.data = data
        self.workflow = SimpleNamespace(script_engine=script_engine)
        self.task_spec = SimpleNamespace(bpmn_id=decision_id, bpmn_name=decision_id)


class DecisionNotFound(LookupError):
    pass


def decider(bundle, task_id: str, script_engine):
    """A function inputs -> outputs of the business rule task `task_id` of `bundle`."""
    for spec in [bundle.spec, *bundle.subprocess_specs.values()]:
        task_spec = spec.task_specs.get(task_id)
        if isinstance(task_spec, BusinessRuleTaskMixin):
            engine = task_spec.dmnEngine
            return lambda inputs: dict(engine.result(_DecisionInput(task_id, dict(inputs), script_engine)))
    raise DecisionNotFound(task_id)


def table_decider(filename: str, dmn_xml: str, decision_id: str, script_engine):
    """A function inputs -> outputs of decision `decision_id` in one DMN file (a draft), without
    parsing the whole bundle; its expressions pass the same sandbox check as a deployment's."""
    try:
        root = parse_xml(dmn_xml)
    except XmlRejected as err:
        raise BundleError(str(err), filename) from err
    _check_scripts(filename, root)
    parser = BundleParser()
    try:
        parser.add_dmn_xml(root, filename=filename)
        engine = parser.get_engine(decision_id, None)
    except ValidationException as err:
        raise BundleError(str(err).split("\n")[0], filename) from err
    except Exception as err:  # noqa: BLE001 - SpiffWorkflow raises plain exceptions for some inputs
        raise BundleError(f"决策表解析失败: {err}", filename) from err
    return lambda inputs: dict(engine.result(_DecisionInput(decision_id, dict(inputs), script_engine)))


def _engines(bundle):
    """(decision id, DMNEngine) of every business rule task in the bundle's processes."""
    for process in (bundle.spec, *bundle.subprocess_specs.values()):
        for task_spec in process.task_specs.values():
            engine = getattr(task_spec, "dmnEngine", None)
            called = (getattr(task_spec, "extensions", None) or {}).get("calledDecisionId")
            if engine is not None and called:
                yield called, engine


def _engine(bundle, decision_id: str) -> DMNEngine | None:
    """The DMN engine of the business rule task that calls `decision_id`."""
    return next((engine for called, engine in _engines(bundle) if called == decision_id), None)


def has_decision(bundle, decision_id: str) -> bool:
    return _engine(bundle, decision_id) is not None


def evaluate(bundle, decision_id: str, data: dict[str, Any], script_engine) -> dict[str, Any] | None:
    """The outputs the business rule task calling `decision_id` would put in the process data for
    `data` ({} when no rule matches); None when no task of the bundle calls that decision.
    Raises what the table raises on these inputs."""
    engine = _engine(bundle, decision_id)
    if engine is None:
        return None
    return engine.result(_DecisionInput(decision_id, data, script_engine))


def matching_rules(bundle, decision_id: str, data: dict[str, Any], script_engine) -> list[int]:
    """The numbers (1-based, document order) of every rule of `decision_id` that matches `data`,
    whatever the declared policy."""
    engine = _engine(bundle, decision_id)
    if engine is None:
        return []
    table = copy.copy(engine.decision_table)
    table.hit_policy = "COLLECT"  # decide() gathers every match under any policy but UNIQUE
    task = _DecisionInput(decision_id, data, script_engine)
    return [engine.decision_table.rules.index(rule) + 1 for rule in DMNEngine(table).decide(task)]


def tables(bundle) -> list[TableInfo]:
    """Every decision table a business rule task of the bundle calls, as plain data."""
    found, seen = [], set()
    for decision_id, engine in _engines(bundle):
        table = engine.decision_table
        if id(table) in seen:
            continue
        seen.add(id(table))
        found.append(TableInfo(
            decision_id=decision_id, table_id=table.id, hit_policy=table.hit_policy,
            inputs=[i.expression for i in table.inputs],
            outputs=[o.name for o in table.outputs],
            rules=[[_entry_text(entry) for entry in rule.inputEntries] for rule in table.rules]))
    return found


def _entry_text(entry) -> str | None:
    text = " ".join(part for part in (entry.lhs or []) if part).strip()
    return text or None


def policy_errors(bundle) -> list[tuple[str, str]]:
    """(decision table id, message) for each table whose declared hit policy its evaluation would
    not honour: a policy SpiffWorkflow evaluates as something else, or a UNIQUE table two of whose
    rules match the same inputs (provably: each input entry of the two is empty or the same
    literal; entries with other expressions are not compared)."""
    errors = []
    for table in tables(bundle):
        if table.hit_policy not in HONOURED:
            errors.append((table.table_id, f"决策表 {table.decision_id} 的命中策略 {table.hit_policy} "
                           f"不受支持，请使用 FIRST（取第一条匹配的规则）、UNIQUE 或 COLLECT"))
        elif table.hit_policy == "UNIQUE":
            pair = _overlap(table.rules)
            if pair is not None:
                errors.append((table.table_id, f"决策表 {table.decision_id} 声明 UNIQUE（唯一命中），"
                               f"但第 {pair[0]} 条与第 {pair[1]} 条规则可同时匹配；请消除重叠，"
                               f"或改用 FIRST（取第一条匹配的规则）"))
    return errors


def aggregation_errors(files: dict[str, str]) -> list[tuple[str, str]]:
    """(decision table id, message) for each table of the DMN files that declares an aggregation,
    which SpiffWorkflow does not apply (it returns the list of matches)."""
    errors = []
    for name in sorted(files):
        if not name.endswith(".dmn"):
            continue
        for table in parse_xml(files[name]).iter("{*}decisionTable"):
            if table.get("aggregation"):
                errors.append((table.get("id"), f"决策表的汇总方式 {table.get('aggregation')} 不受支持"
                               f"（COLLECT 给出全部匹配值的列表），请去掉汇总方式"))
    return errors


def _overlap(rules: list[list[str | None]]) -> tuple[int, int] | None:
    for i, first in enumerate(rules):
        for j in range(i + 1, len(rules)):
            if all(_may_both_match(a, b) for a, b in zip(first, rules[j])):
                return i + 1, j + 1
    return None


def _may_both_match(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return True  # an empty entry matches anything
    try:
        return ast.literal_eval(a) == ast.literal_eval(b)
    except (ValueError, SyntaxError):
        return False  # an expression (a range, a list…): not compared
