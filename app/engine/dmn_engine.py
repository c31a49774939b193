"""The DMN engine QiSu's business rule tasks evaluate with (see `bundle.py`'s parser)."""
from __future__ import annotations

import copy

from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine


class FirstMatchEngine(DMNEngine):
    """SpiffWorkflow's DMN engine, but a FIRST table stops at its first matching rule, as UNIQUE
    does: the same result (SpiffWorkflow returns the first match) without evaluating the rules
    after it (routing.dmn: 18 rules, each a sandboxed evaluation). `bundle.py` parses every
    business rule task with it."""

    def __init__(self, decision_table):
        super().__init__(decision_table)
        first = copy.copy(decision_table)
        first.hit_policy = "UNIQUE"  # DMNEngine.decide returns at the first match for UNIQUE only
        self._first_match = DMNEngine(first)

    def decide(self, task):
        if self.decision_table.hit_policy == "FIRST":
            return self._first_match.decide(task)
        return super().decide(task)
