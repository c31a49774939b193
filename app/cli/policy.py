"""`flask qisu check-policy [DIR]`: the policy scenarios (P1…P18) against a draft bundle (CI)."""
from __future__ import annotations

import sys

import click
from flask import current_app

from .base import qisu


@qisu.command("check-policy")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False))
@click.option("--rule", "rules", multiple=True, help="check only this rule (P5; repeatable)")
@click.option("--verbose", is_flag=True, help="list every scenario, not only the failing ones")
def check_policy(directory, rules, verbose) -> None:
    """Run the zh-CN scenarios of features/ against the workflows directory with DIR's files in
    place of (or added to) its own, in a throwaway database. Prints the result per rule and each
    failing scenario with its step and message; exits 1 when a scenario fails, 2 when the draft
    cannot be deployed or the check cannot run."""
    from ..services.policy.drafts import directory_bundle, draft_errors
    from ..services.policy.runner import PolicyCheckUnavailable, normalize_rules, run_scenarios
    try:
        files, changed = directory_bundle(current_app.config["QISU_WORKFLOWS_DIR"], directory)
        selected = normalize_rules(list(rules))
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    click.echo(f"policy check of {len(files)} files"
               + (f" (draft: {', '.join(changed)})" if changed else " (no file changed)")
               + (f", rules {', '.join(selected)}" if selected else ", every rule"))
    errors = draft_errors(files)
    if errors:
        for error in errors:
            click.echo(f"  {error['where']}: {error['message']}", err=True)
        click.echo("the draft cannot be deployed; no scenario was run", err=True)
        sys.exit(2)
    try:
        result = run_scenarios(files, selected, on_progress=_progress())
    except PolicyCheckUnavailable as err:
        click.echo(str(err), err=True)
        sys.exit(2)
    _print(result, verbose)
    sys.exit({"passed": 0, "failed": 1}.get(result["status"], 2))


def _progress():
    shown = {"tenth": -1}

    def report(total, results):
        if not total:
            return
        tenth = len(results) * 10 // total
        if tenth != shown["tenth"]:
            shown["tenth"] = tenth
            click.echo(f"  … {len(results)}/{total} scenarios", err=True)
    return report


def _print(result: dict, verbose: bool) -> None:
    for rule in result["rules"]:
        mark = "ok  " if rule["ok"] else "FAIL"
        count = rule["passed"] + rule["failed"]
        click.echo(f"{rule['rule']:<4} {mark} {rule['passed']}/{count}  {'；'.join(rule['features'])}")
        for scenario in rule["scenarios"]:
            failed = scenario["outcome"] == "failed"
            if not failed and not verbose:
                continue
            example = f" [{scenario['example']}]" if scenario["example"] else ""
            click.echo(f"     {'✗' if failed else '✓'} {scenario['scenario']}{example}")
            if failed:
                click.echo(f"       step: {scenario['step'] or '(before the first step)'}")
                for line in (scenario["message"] or "").splitlines()[:8]:
                    click.echo(f"       {line}")
    passed = sum(r["passed"] for r in result["rules"])
    failing = [r["rule"] for r in result["rules"] if not r["ok"]]
    if result["status"] == "error":
        click.echo(result["output"], err=True)
        click.echo(f"the check did not finish ({passed} of {result['total']} scenarios passed)", err=True)
        return
    verdict = "passed" if not failing else f"FAILED: {', '.join(failing)}"
    click.echo(f"{verdict} — {passed}/{result['total']} scenarios passed in {result['seconds']:.0f} s")
