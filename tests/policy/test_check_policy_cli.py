"""`flask qisu check-policy [DIR]` (issue 19 §5): the policy scenarios against a draft bundle,
per rule, exit status 1 when a scenario fails. Each test runs real scenarios in a child process."""
from __future__ import annotations

from tests.policy.drafts import sla_response_minutes, write


def check(app, *args):
    return app.test_cli_runner().invoke(args=["qisu", "check-policy", *args])


def test_a_longer_response_limit_fails_p5_with_the_failing_step(app, tmp_path):
    draft = write(tmp_path, "sla.dmn", sla_response_minutes(90))
    result = check(app, str(draft), "--rule", "P5")
    assert result.exit_code == 1, result.output
    assert "(draft: sla.dmn), rules P5" in result.output
    assert "P5   FAIL" in result.output
    # the failing scenario, its step and what the step found
    assert "✗ P5 只签收不联系企业不算响应，61 分钟时响应超期并通知承办单位" in result.output
    assert 'step: 那么 "响应时限" 的结果为 "violated"' in result.output
    assert "'outcome': 'running'" in result.output
    assert "FAILED: P5" in result.output


def test_the_current_workflows_pass(app):
    result = check(app, "--rule", "P6", "--verbose")
    assert result.exit_code == 0, result.output
    assert "(no file changed), rules P6" in result.output
    assert "P6   ok   4/4" in result.output
    assert "✓ P6" in result.output
    assert "passed — 4/4 scenarios passed" in result.output


def test_a_draft_that_cannot_be_deployed_runs_no_scenario(app, tmp_path):
    draft = write(tmp_path, "sla.dmn", "<definitions>")
    result = check(app, str(draft))
    assert result.exit_code == 2, result.output
    assert "no scenario was run" in result.output


def test_an_unknown_rule_is_refused(app):
    result = check(app, "--rule", "P5x")
    assert result.exit_code == 2
    assert "P1…P18" in result.output
