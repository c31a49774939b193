"""Issue 18 §4: the decision tables' declared hit policy is the one their evaluation follows.

sla.dmn and routing.dmn order their rules from specific to general and take the first match, so
they declare FIRST. Every combination of the values the rules name (and one value none names) is
evaluated as the business rule task does; the result must be the output of the first matching
rule, read from the file itself. A table whose rules overlap must not declare UNIQUE, and a
deployment declaring UNIQUE over overlapping rules is refused.
"""
from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import pytest
from lxml import etree

from app.engine import decisions
from app.engine.actions import ActionRegistry
from app.engine.bundle import file_kind, parse_bundle
from app.engine.checks import bundle_errors
from app.engine.runner import WorkflowRunner

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
FILES = {p.relative_to(WORKFLOWS).as_posix(): p.read_text(encoding="utf-8")
         for p in sorted(WORKFLOWS.rglob("*")) if p.is_file() and file_kind(p.relative_to(WORKFLOWS).as_posix())}
BUNDLE = parse_bundle(FILES)
SCRIPTS = WorkflowRunner(ActionRegistry()).script_engine
DMN = "{https://www.omg.org/spec/DMN/20191111/MODEL/}"


def _rule_outputs(decision_id: str) -> list[dict]:
    """Each rule's outputs as written in the DMN file (document order)."""
    for text in (text for name, text in FILES.items() if name.endswith(".dmn")):
        root = etree.fromstring(text.encode("utf-8"))
        decision = root.find(f"{DMN}decision[@id='{decision_id}']")
        if decision is None:
            continue
        outputs = [o.get("name") for o in decision.iter(f"{DMN}output")]
        return [{out: ast.literal_eval(entry.findtext(f"{DMN}text") or '""')
                 for out, entry in zip(outputs, rule.findall(f"{DMN}outputEntry"))}
                for rule in decision.iter(f"{DMN}rule")]
    raise LookupError(decision_id)


def _input_space(table: decisions.TableInfo) -> list[dict]:
    """Every combination of the values the rules name per input, plus one value no rule names."""
    columns = []
    for index, expression in enumerate(table.inputs):
        variable = re.match(r"\w+", expression).group(0)
        values = {ast.literal_eval(rule[index]) for rule in table.rules if rule[index] is not None}
        values |= {False} if all(isinstance(v, bool) for v in values) and values else {"其他"}
        columns.append([(variable, value) for value in sorted(values, key=repr)])
    return [{"domain_suggestion": {"label": ""}, **dict(combo)} for combo in itertools.product(*columns)]


TABLES = {table.decision_id: table for table in decisions.tables(BUNDLE)}


def test_the_deployed_tables_are_sla_and_routing_and_take_the_first_match():
    assert {name: table.hit_policy for name, table in TABLES.items()} == {"sla": "FIRST", "routing": "FIRST"}
    assert decisions.policy_errors(BUNDLE) == []


@pytest.mark.parametrize("decision_id", sorted(TABLES))
def test_evaluation_gives_the_first_matching_rule_of_the_file(decision_id):
    table, outputs = TABLES[decision_id], _rule_outputs(decision_id)
    overlapping = 0
    for data in _input_space(table):
        matches = decisions.matching_rules(BUNDLE, decision_id, data, SCRIPTS)
        result = decisions.evaluate(BUNDLE, decision_id, data, SCRIPTS)
        assert matches, f"no rule (not even the last, general one) matches {data}"
        assert dict(result) == outputs[matches[0] - 1], data
        overlapping += len(matches) > 1
    # The rules do overlap: the order decides, which is what FIRST declares (UNIQUE would be false).
    assert overlapping > 0


@pytest.mark.parametrize("decision_id", sorted(TABLES))
def test_a_table_whose_rules_overlap_may_not_declare_unique(decision_id):
    table = TABLES[decision_id]
    overlapping = any(len(decisions.matching_rules(BUNDLE, decision_id, data, SCRIPTS)) > 1
                      for data in _input_space(table))
    assert not (overlapping and table.hit_policy == "UNIQUE")


def test_the_rules_as_the_descriptions_say():
    sla = lambda **data: decisions.evaluate(BUNDLE, "sla", {"kind": "求助", **data}, SCRIPTS)  # noqa: E731
    red_urgent = sla(red_list=True, matter_class="urgent")
    assert (red_urgent["resolution_minutes"], red_urgent["extension_max_days"]) == (120, 3)
    red = sla(red_list=True, matter_class="general")
    assert (red["resolution_minutes"], red["resolution_calendar"]) == (7200, "working")
    assert sla(red_list=False, matter_class="urgent")["extension_max_days"] == 7
    assert sla(red_list=False, matter_class="complex")["restart_on_return"] is False
    general = sla(red_list=False, matter_class="general")
    assert (general["response_minutes"], general["warn_ratio"], general["return_minutes"]) == (60, 0.75, 120)
    route = lambda domain, town: decisions.evaluate(  # noqa: E731
        BUNDLE, "routing", {"domain": domain, "town": town, "kind": "", "domain_suggestion": {"label": ""}},
        SCRIPTS)["suggested_unit"]
    assert route("城市管理", "板芙镇") == "bfz"
    assert route("城市管理", "石岐街道") == "cgj"
    assert route("没有这个领域", "板芙镇") == ""


@pytest.mark.parametrize("policy", ["UNIQUE", "PRIORITY"])
def test_a_deployment_declaring_a_policy_its_evaluation_would_not_follow_is_refused(policy):
    files = dict(FILES)
    files["sla.dmn"] = files["sla.dmn"].replace('hitPolicy="FIRST"', f'hitPolicy="{policy}"')
    [error] = bundle_errors(files)
    assert error["file"] == "sla.dmn" and error["element_id"] == "decision_table_sla"
    assert policy in error["message"] and "FIRST" in error["message"]
    if policy == "UNIQUE":
        assert "第 1 条与第 2 条规则" in error["message"]


def test_unique_is_accepted_when_no_two_rules_can_match_the_same_inputs():
    """routing.dmn without its general rows and with one row per (domain, town) is UNIQUE."""
    text = FILES["routing.dmn"].replace('hitPolicy="FIRST"', 'hitPolicy="UNIQUE"')
    root = etree.fromstring(text.encode("utf-8"))
    table = root.find(f".//{DMN}decisionTable")
    for rule in table.findall(f"{DMN}rule"):
        entries = [e.findtext(f"{DMN}text") or "" for e in rule.findall(f"{DMN}inputEntry")]
        if entries[1] == "":  # a row for any town overlaps the town-specific rows
            table.remove(rule)
    files = dict(FILES, **{"routing.dmn": etree.tostring(root, encoding="unicode")})
    assert bundle_errors(files) == []


def test_the_callers_own_checks_run_after_a_successful_parse():
    more = lambda files: [("sla.dmn", "decision_table_sla", "自定义检查")]  # noqa: E731
    assert bundle_errors(FILES, more=more) == [{"where": "sla.dmn#decision_table_sla", "file": "sla.dmn",
                                                "element_id": "decision_table_sla", "message": "自定义检查"}]
    assert bundle_errors({"sla.dmn": "<x"}, more=more)[0]["message"] != "自定义检查"


def test_an_aggregation_the_engine_does_not_apply_is_refused():
    files = dict(FILES)
    files["routing.dmn"] = files["routing.dmn"].replace('hitPolicy="FIRST"', 'hitPolicy="COLLECT" aggregation="COUNT"')
    [error] = bundle_errors(files)
    assert error["where"] == "routing.dmn#decision_table_routing" and "COUNT" in error["message"]


def test_a_first_table_stops_at_its_first_match():
    """Rules after the first match are not evaluated (as UNIQUE did before): a last rule that
    fails on every input does not disturb an input an earlier rule matches."""
    text = FILES["routing.dmn"]
    last = text.rindex("<rule ")
    failing = text[:last] + text[last:].replace('<inputEntry id="rule_18_domain">\n          <text></text>',
                                                '<inputEntry id="rule_18_domain">\n          <text>1 / 0</text>', 1)
    assert failing != text
    bundle = parse_bundle(dict(FILES, **{"routing.dmn": failing}))
    data = {"town": "板芙镇", "kind": "", "domain_suggestion": {"label": ""}}
    assert decisions.evaluate(bundle, "routing", dict(data, domain="城市管理"), SCRIPTS) == {"suggested_unit": "bfz"}
    with pytest.raises(Exception):
        decisions.evaluate(bundle, "routing", dict(data, domain="没有这个领域"), SCRIPTS)


def test_deciders_of_a_deployed_task_and_of_a_draft_file_agree():
    inputs = {"red_list": True, "matter_class": "general", "kind": "求助"}
    deployed = decisions.decider(BUNDLE, "sla_rule", SCRIPTS)(inputs)
    draft = decisions.table_decider("sla.dmn", FILES["sla.dmn"], "sla", SCRIPTS)(inputs)
    assert deployed == draft and deployed["resolution_minutes"] == 7200
    with pytest.raises(decisions.DecisionNotFound):
        decisions.decider(BUNDLE, "no_such_task", SCRIPTS)
