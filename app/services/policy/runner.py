"""Run the policy scenarios (features/*.feature, steps in tests/bdd/) against a set of process
files, in a child pytest process with its own throwaway SQLite database.

The child deploys the given files as the suite's base deployment (QISU_WORKFLOWS_DIR) and writes
one JSON line per scenario (tests/bdd/policy_report.py); `run_scenarios` follows that file for the
progress and returns the result per rule (P1…P18) and scenario. Plain Python: no database of the
app, no Flask.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
BDD_DIR = "tests/bdd"
FEATURES_DIR = "features"
TIMEOUT_SECONDS = 15 * 60
_RULE = re.compile(r"^p(\d+)_", re.I)


class PolicyCheckUnavailable(RuntimeError):
    """The scenarios or their steps are not installed next to the application."""


def rule_of(feature_file: str | None) -> str:
    """'p05_response.feature' → 'P5'."""
    match = _RULE.match(feature_file or "")
    return f"P{int(match.group(1))}" if match else "?"


def rule_key(rule: str) -> tuple[int, str]:
    digits = rule[1:]
    return (int(digits) if digits.isdigit() else 999, rule)


def normalize_rules(rules) -> list[str] | None:
    """'P5, p12' or ["5", "P12"] → ["P5", "P12"]; nothing → None (every rule)."""
    if not rules:
        return None
    if isinstance(rules, str):
        rules = re.split(r"[\s,，、]+", rules)
    out = []
    for rule in rules:
        rule = str(rule).strip().upper().lstrip("P")
        if not rule:
            continue
        if not rule.isdigit():
            raise ValueError(f"政策规则应为 P1…P18，不是 {rule!r}")
        out.append(f"P{int(rule)}")
    return sorted(set(out), key=rule_key) or None


def scenario_modules(root: Path = ROOT, rules: list[str] | None = None) -> list[str]:
    """The test modules of the scenarios (tests/bdd/test_pNN_*.py), of `rules` only if given."""
    bdd = root / BDD_DIR
    if not (bdd / "conftest.py").is_file() or not (root / FEATURES_DIR).is_dir():
        raise PolicyCheckUnavailable(f"政策场景不可用：{root / FEATURES_DIR} 或 {bdd} 不存在")
    modules = sorted(p for p in bdd.glob("test_p*.py") if _RULE.match(p.name[len("test_"):]))
    if rules is not None:
        modules = [p for p in modules if rule_of(p.name[len("test_"):]) in rules]
    if not modules:
        raise PolicyCheckUnavailable("没有与所选规则对应的政策场景")
    return [p.relative_to(root).as_posix() for p in modules]


def read_report(path: Path) -> tuple[int | None, list[dict]]:
    """(scenarios collected, results so far) from the child's report file."""
    total, results = None, []
    if not path.exists():
        return total, results
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue  # a line being written
        if event.get("event") == "collected":
            total = event["total"]
        elif event.get("event") == "result":
            results.append(_scenario(event))
    return total, results


def _scenario(event: dict) -> dict:
    example = re.search(r"\[(.*)\]$", event.get("nodeid") or "")
    return {"rule": rule_of(event.get("feature_file")), "feature_file": event.get("feature_file"),
            "feature": event.get("feature"), "scenario": event.get("scenario"),
            "example": example.group(1) if example else None,
            "outcome": "passed" if event.get("outcome") in ("passed", "skipped") else "failed",
            "step": event.get("step"), "message": event.get("message")}


def by_rule(results: list[dict]) -> list[dict]:
    """The results grouped per policy rule, in rule order: passed/failed counts, the features."""
    rules: dict[str, dict] = {}
    for result in results:
        rule = rules.setdefault(result["rule"], {"rule": result["rule"], "features": [],
                                                 "passed": 0, "failed": 0, "scenarios": []})
        if result["feature"] and result["feature"] not in rules[result["rule"]]["features"]:
            rule["features"].append(result["feature"])
        rule[result["outcome"]] += 1
        rule["scenarios"].append(result)
    for rule in rules.values():
        rule["ok"] = rule["failed"] == 0
    return [rules[key] for key in sorted(rules, key=rule_key)]


def split(modules: list[str], workers: int, root: Path = ROOT) -> list[list[str]]:
    """`modules` in `workers` groups of about the same number of scenarios (their feature's size)."""
    def weight(module: str) -> int:
        feature = root / FEATURES_DIR / (Path(module).stem[len("test_"):] + ".feature")
        return feature.stat().st_size if feature.exists() else 1
    groups: list[list[str]] = [[] for _ in range(max(1, min(workers, len(modules))))]
    loads = [0] * len(groups)
    for module in sorted(modules, key=weight, reverse=True):
        at = loads.index(min(loads))
        groups[at].append(module)
        loads[at] += weight(module)
    return [sorted(group) for group in groups]


def default_workers() -> int:
    """One child per core, at most two: each child has its own database and app start-up."""
    return max(1, min(2, os.cpu_count() or 1))


def run_scenarios(files: dict[str, str], rules: list[str] | None = None,
                  on_progress: Callable[[int | None, list[dict]], None] | None = None,
                  root: Path = ROOT, poll_seconds: float = 0.5, workers: int | None = None) -> dict:
    """Run the scenarios of `rules` (all by default) against `files` (filename → content, a whole
    bundle), split over `workers` child processes, each with its own throwaway database. Returns
    {"status": "passed" | "failed" | "error", "total", "results", "rules", "seconds",
    "first_result_seconds", "output"} — "output" is the children's last lines when they could not run."""
    groups = split(scenario_modules(root, rules), workers or default_workers(), root)
    work = Path(tempfile.mkdtemp(prefix="qisu-policy-"))
    started = time.monotonic()
    first_result = None
    try:
        workflows = work / "workflows"
        for name, content in files.items():
            target = workflows / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        children = [_start_child(work / f"child{i}", workflows, group, root)
                    for i, group in enumerate(groups)]
        seen = -1
        while any(child.poll() is None for child, _, _ in children):
            time.sleep(poll_seconds)
            if time.monotonic() - started > TIMEOUT_SECONDS:
                for child, _, _ in children:
                    child.kill()
                break
            total, results = _merged(children)
            if results and first_result is None:
                first_result = round(time.monotonic() - started, 1)
            if on_progress is not None and len(results) != seen:
                seen = len(results)
                on_progress(total, results)
        for child, _, _ in children:
            child.wait()
        total, results = _merged(children)
        if on_progress is not None:
            on_progress(total, results)
        complete = total is not None and len(results) >= total and total > 0
        failed = any(r["outcome"] == "failed" for r in results)
        status = "failed" if failed else "passed" if complete else "error"
        output = "" if status != "error" else "\n".join(_tail(log) for _, _, log in children)
        return {"status": status, "total": total, "results": results, "rules": by_rule(results),
                "seconds": round(time.monotonic() - started, 1), "first_result_seconds": first_result,
                "workers": len(children), "output": output}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _start_child(work: Path, workflows: Path, modules: list[str], root: Path):
    work.mkdir(parents=True)
    report, log = work / "report.jsonl", work / "pytest.log"
    command = [sys.executable, "-m", "pytest", "-q", "--no-header", "-o", "addopts=",
               "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "tests.bdd.policy_report",
               "--basetemp", str(work / "tmp"), *modules]
    with log.open("wb") as out:
        child = subprocess.Popen(command, cwd=root, env=_child_environment(work, workflows, report, root),
                                 stdout=out, stderr=subprocess.STDOUT)
    return child, report, log


def _merged(children) -> tuple[int | None, list[dict]]:
    """Scenarios collected by all children (None until each has collected) and results so far."""
    total, results = 0, []
    for _, report, _ in children:
        count, found = read_report(report)
        total = None if total is None or count is None else total + count
        results.extend(found)
    return total, results


def _child_environment(work: Path, workflows: Path, report: Path, root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "QISU_"))}
    env.update({"QISU_WORKFLOWS_DIR": str(workflows), "QISU_POLICY_REPORT": str(report),
                # The throwaway database: a SQLite file of this run only, removed with it.
                "DATABASE_URL": "sqlite:///" + str(work / "policy.db"),
                "PYTHONPATH": os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH")) if p),
                "PYTHONDONTWRITEBYTECODE": "1"})
    return env


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
