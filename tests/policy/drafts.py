"""Draft files for the policy check tests: the workflows with one detail changed."""
from __future__ import annotations

import re
from pathlib import Path

from app.config import ROOT

WORKFLOWS = ROOT / "workflows"


def sla_response_minutes(minutes: int) -> str:
    """sla.dmn with the general matter's response limit (P5, 60 minutes) set to `minutes`."""
    text = (WORKFLOWS / "sla.dmn").read_text(encoding="utf-8")
    changed, count = re.subn(r'(<outputEntry id="rule_06_response_minutes">\s*<text>)\d+(</text>)',
                             rf"\g<1>{minutes}\2", text)
    assert count == 1, "sla.dmn has no rule_06_response_minutes output"
    return changed


def write(directory: Path, name: str, content: str) -> Path:
    target = directory / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content, encoding="utf-8")
    return directory
