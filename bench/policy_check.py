#!/usr/bin/env python
"""Policy check benchmark (issue 19 §5): the whole check a designer's 检查政策规则 runs.

    .venv/bin/python bench/policy_check.py [--rule P5 ...] [--workers N] [--draft DIR]

Runs the zh-CN scenarios of features/ against workflows/ (with DIR's files in place, if given)
exactly as `flask qisu check-policy` and the designer page do (app/services/policy/runner.py:
child pytest processes, each with its own throwaway SQLite database), and prints the wall time,
the time to the first scenario result (child start-up: migrate, seed, deploy), the scenarios per
rule and the target: the full check in ≤ 90 s on the 2-core machine. Prints only; nothing
asserts on the figures (they depend on the machine and on what else runs on it).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 90


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--rule", action="append", default=[], help="only this rule (P5; repeatable)")
    parser.add_argument("--workers", type=int, default=None, help="child processes (default: cores, at most 2)")
    parser.add_argument("--draft", default=None, help="a directory of draft files over workflows/")
    args = parser.parse_args(argv)

    from app.services.policy.drafts import directory_bundle
    from app.services.policy.runner import default_workers, normalize_rules, run_scenarios

    files, changed = directory_bundle(ROOT / "workflows", args.draft)
    rules = normalize_rules(args.rule)
    workers = args.workers or default_workers()
    print(f"policy check: {len(files)} files{' (draft: ' + ', '.join(changed) + ')' if changed else ''}, "
          f"{'rules ' + ', '.join(rules) if rules else 'every rule'}, {workers} worker(s), "
          f"{os.cpu_count()} CPU(s), load {os.getloadavg()[0]:.1f}")
    result = run_scenarios(files, rules, workers=workers)
    for rule in result["rules"]:
        print(f"  {rule['rule']:<4} {rule['passed']}/{rule['passed'] + rule['failed']}")
    print(f"status {result['status']}: {sum(r['passed'] for r in result['rules'])}/{result['total']} "
          f"scenarios passed")
    print(f"first scenario result after {result['first_result_seconds']} s (child start-up)")
    verdict = "met" if result["seconds"] <= TARGET_SECONDS else "missed"
    print(f"wall time {result['seconds']:.1f} s — target ≤ {TARGET_SECONDS} s for every rule: "
          f"{verdict if not rules else 'n/a (subset)'}")
    if result["status"] == "error":
        print(result["output"], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
