"""QiSu's lint rules on the server (app/engine/lint.py): the deployed workflows obey them, a file
breaking each rule once is reported element by element, and deploy refuses it. The modeler's
bpmnlint plug-in is checked against the same file in tests/e2e/test_designer_panel_browser.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.lint import RULES, lint_bpmn, timer_error
from app.engine.xml import parse_xml
from app.services import designer_catalog, process_lint
from app.services.actions import OPERATORS
from app.services.deployments import deploy_errors, read_directory

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "data" / "lint_broken.bpmn"

# (rule, element) the broken file must produce, exactly.
EXPECTED = {
    ("user-task-form", "no_form"), ("user-task-form", "bad_form"),
    ("user-task-lane", "bad_lane"), ("user-task-lane", "no_lane"),
    ("service-task-action", "no_action"), ("service-task-action", "bad_action"),
    ("gateway-default", "gw"),
    ("timer-parses", "timer_unquoted"), ("timer-parses", "wait_words"),
    ("no-unreachable", "island"),
    ("no-dangling-flow", "f13"), ("no-dangling-flow", "dead_end"),
}


def workflow_catalog():
    return process_lint.lint_catalog(read_directory(ROOT / "workflows"), OPERATORS)


def broken_issues():
    return lint_bpmn(parse_xml(BROKEN.read_text(encoding="utf-8")), workflow_catalog())


def test_the_deployed_workflows_obey_every_rule():
    files = read_directory(ROOT / "workflows")
    assert process_lint.lint_errors(files, OPERATORS) == []


def test_a_file_breaking_each_rule_is_reported_per_element():
    found = {(issue.rule, issue.element_id) for issue in broken_issues()}
    assert found == EXPECTED
    assert {rule for rule, _ in found} == set(RULES)


def test_the_messages_name_what_is_wrong():
    messages = {(i.rule, i.element_id): i.message for i in broken_issues()}
    assert messages[("user-task-form", "bad_form")] == "表单 nope.schema.json 不存在"
    assert messages[("user-task-lane", "bad_lane")] == "泳道“外星人”不对应任何角色"
    assert messages[("service-task-action", "bad_action")] == "操作 fly_to_the_moon 未注册"
    assert messages[("timer-parses", "timer_unquoted")] == "须加引号：“PT45M” 会被当作变量名"
    assert "45 minutes" in messages[("timer-parses", "wait_words")]


@pytest.mark.parametrize("kind, expression, ok", [
    ("timeDuration", '"PT45M"', True), ("timeDuration", "'P1DT2H'", True),
    ("timeDuration", 'sla_due["response"]', True),  # an expression: checked when it runs
    ("timeDuration", '"45M"', False), ("timeDuration", "PT45M", False), ("timeDuration", "", False),
    ("timeDate", '"2026-12-31T09:00:00+08:00"', True), ("timeDate", '"2026-13-31T09:00:00"', False),
    ("timeCycle", '"R3/PT1H"', True), ("timeCycle", '"R/PT10M"', True), ("timeCycle", '"PT1H"', False),
])
def test_timers_parse(kind, expression, ok):
    assert (timer_error(kind, expression) is None) is ok


def test_deploy_refuses_a_bundle_breaking_a_rule():
    """SpiffWorkflow parses a service task calling an unknown action; only the lint refuses it."""
    files = read_directory(ROOT / "workflows")
    files["enterprise_demand.bpmn"] = files["enterprise_demand.bpmn"].replace(
        'serviceTaskOperator id="close_case"', 'serviceTaskOperator id="close_kase"', 1)
    assert deploy_errors(files, list(OPERATORS)) == [{
        "where": "enterprise_demand.bpmn#close_direct", "file": "enterprise_demand.bpmn",
        "element_id": "close_direct", "message": "操作 close_kase 未注册"}]


def test_action_parameters_and_help_come_from_the_registered_actions():
    actions = {a["name"]: a for a in designer_catalog.actions(OPERATORS)}
    assert actions["close_case"]["params"] == ["status"]
    assert "unit_code" in actions["assign_unit"]["params"]  # read in the helper it hands params to
    assert actions["stop_clock"]["params"] == ["clock"]
    assert actions["close_case"]["help"].startswith("P3")


def test_without_the_registered_actions_only_the_action_rule_is_left_out():
    files = read_directory(ROOT / "workflows")
    files["enterprise_demand.bpmn"] = files["enterprise_demand.bpmn"].replace(
        'serviceTaskOperator id="close_case"', 'serviceTaskOperator id="close_kase"', 1)
    assert deploy_errors(files) == []
    broken = lint_bpmn(parse_xml(BROKEN.read_text(encoding="utf-8")),
                       process_lint.lint_catalog(read_directory(ROOT / "workflows"), None))
    assert {(i.rule, i.element_id) for i in broken} == EXPECTED - {("service-task-action", "bad_action")}
