"""Issue 18 §3: every service-task operator the shipped diagrams name is registered, explicitly,
in app/services/actions/ — and nothing is registered that no diagram uses."""
from __future__ import annotations

import re
from pathlib import Path

from app.services.actions import ACTIONS, OPERATORS, action_registry

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def operators_in_diagrams() -> set[str]:
    found = set()
    for path in WORKFLOWS.glob("*.bpmn"):
        found |= set(re.findall(r'serviceTaskOperator id="([a-z_]+)"', path.read_text("utf-8")))
    return found


def test_every_operator_of_the_diagrams_is_registered_and_none_is_spare():
    assert operators_in_diagrams() == set(OPERATORS)


def test_the_registry_holds_exactly_the_table():
    assert action_registry().names() == ACTIONS.names() == sorted(OPERATORS)
