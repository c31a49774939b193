"""A pytest plugin for the policy check (issue 19 §5): one JSON line per scenario run.

`flask qisu check-policy` and the designer's 检查政策规则 run the policy scenarios in a child
process with `-p tests.bdd.policy_report` and QISU_POLICY_REPORT naming a file; this plugin writes
to it, as the run goes:

    {"event": "collected", "total": 190}
    {"event": "result", "nodeid": …, "feature_file": "p05_response.feature", "feature": "P5 …",
     "scenario": "P5 …", "outcome": "passed" | "failed", "step": "那么 …", "message": "…"}

The parent reads the file while the run goes on (progress) and when it ends (the result). Nothing
here changes what a scenario does.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

MAX_MESSAGE = 2000


class _Report:
    def __init__(self, path: str):
        self.path = Path(path)
        self.scenarios: dict[str, dict] = {}  # nodeid -> what the scenario is and where it failed

    def write(self, event: dict) -> None:
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(event, ensure_ascii=False) + "\n")


def _report(config) -> _Report | None:
    return getattr(config, "_qisu_policy_report", None)


def pytest_configure(config):
    path = os.environ.get("QISU_POLICY_REPORT")
    if path:
        config._qisu_policy_report = _Report(path)


def pytest_collection_finish(session):
    report = _report(session.config)
    if report is not None:
        report.write({"event": "collected", "total": len(session.items)})


def _info(request, feature, scenario) -> dict:
    report = _report(request.config)
    if report is None:
        return {}
    info = report.scenarios.setdefault(request.node.nodeid, {})
    info.update({"feature_file": Path(feature.filename).name, "feature": feature.name,
                 "scenario": scenario.name})
    return info


def pytest_bdd_before_scenario(request, feature, scenario):
    _info(request, feature, scenario)


def _failed_at(request, feature, scenario, step, exception) -> None:
    info = _info(request, feature, scenario)
    if info and "step" not in info:
        info["step"] = f"{step.keyword} {step.name}".strip()
        info["message"] = _message(exception)


def pytest_bdd_step_error(request, feature, scenario, step, step_func, step_func_args, exception):
    _failed_at(request, feature, scenario, step, exception)


def pytest_bdd_step_func_lookup_error(request, feature, scenario, step, exception):
    _failed_at(request, feature, scenario, step, exception)


def _message(exception: BaseException) -> str:
    text = str(exception).strip() or type(exception).__name__
    if isinstance(exception, pytest.fail.Exception):
        text = getattr(exception, "msg", text)
    return text[:MAX_MESSAGE]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    result = outcome.get_result()
    policy = _report(item.config)
    if policy is None:
        return
    finished = (result.when == "call") or (result.when == "setup" and not result.passed)
    if not finished:
        return
    info = policy.scenarios.pop(item.nodeid, {})
    event = {"event": "result", "nodeid": item.nodeid,
             "feature_file": info.get("feature_file") or _feature_of(item),
             "feature": info.get("feature"), "scenario": info.get("scenario") or item.name,
             "outcome": "passed" if result.passed else ("skipped" if result.skipped else "failed")}
    if result.failed:
        event["step"] = info.get("step")
        event["message"] = info.get("message") or _longrepr(result)
    policy.write(event)


def _feature_of(item) -> str | None:
    scenario = getattr(getattr(item, "function", None), "__scenario__", None)
    feature = getattr(scenario, "feature", None)
    return Path(feature.filename).name if feature is not None else None


def _longrepr(result) -> str:
    crash = getattr(result.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(result.longrepr)
    return text[:MAX_MESSAGE]
