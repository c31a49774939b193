"""Issue 18 §2: the layers hold by themselves. The import contracts of pyproject.toml
([tool.importlinter]: entry points above app.http, demo, services, engine/db/routing_model,
domain; a plain domain; no Flask below the entry points; pages and endpoints read through
services; SpiffWorkflow only in app.engine; no cycles) are checked on every test run."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout
