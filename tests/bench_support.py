"""Running a bench/ script from a test, as a developer would: its smoke runs check it still works."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_bench(*args: str, timeout: int = 300) -> str:
    """`python <args>` in the checkout; asserts exit 0 (showing the output's tail), returns stdout."""
    run = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                         timeout=timeout)
    assert run.returncode == 0, (run.stdout[-3000:], run.stderr[-3000:])
    return run.stdout
