"""Issue 18 §7: a `flask qisu` command starts fast, logs in one format, and `migrate` does not warn
that the schema is old while it upgrades it. The start-up time itself is measured by
bench/startup.py (no timed assertions here); these tests keep what makes it fast."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli_command

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sklearn", "scipy", "numpy", "jieba", "jsonschema", "openpyxl", "pandas", "pm4py")


def _env(tmp_path, **extra) -> dict:
    return dict(os.environ, FLASK_APP="app", PYTHONPATH=str(ROOT),
                DATABASE_URL=f"sqlite:///{tmp_path}/qisu.db", **extra)


def test_creating_the_app_imports_no_heavy_library():
    probe = ("import sys; from app import create_app; create_app({'DATABASE_URL': 'sqlite://', "
             f"'QISU_AUTO_DEPLOY': False}}); print([m for m in {HEAVY!r} if m in sys.modules])")
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "[]", "imported when the app is created: " + run.stdout


def test_migrate_on_a_new_database_logs_in_one_format_without_the_old_schema_warning(tmp_path):
    run = subprocess.run([sys.executable, "-m", "flask", "qisu", "migrate"], cwd=ROOT, capture_output=True,
                         text=True, env=_env(tmp_path, QISU_LOG_FORMAT="text"), timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "database at head" in run.stdout
    assert "not at the newest migration" not in run.stderr
    assert "setup plugin" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert lines, "alembic reports the migrations it runs"
    assert not [line for line in lines if line.lstrip().startswith("{")], "a JSON line in a text log"
    assert all(" INFO " in line or " WARNING " in line for line in lines), lines[:5]


@pytest.mark.parametrize("argv, expected", [
    (["flask", "qisu", "migrate"], "qisu"),
    (["flask", "--app", "app", "qisu", "seed"], "qisu"),
    (["flask", "run", "--port", "5000"], None),
    (["flask", "-A", "app", "--debug", "run"], None),
])
def test_only_flask_run_counts_as_a_server_among_flask_commands(monkeypatch, argv, expected):
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    monkeypatch.setattr(sys, "argv", argv)
    assert cli_command() == expected


def test_outside_the_flask_command_line_the_app_is_a_server(monkeypatch):
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    monkeypatch.setattr(sys, "argv", ["gunicorn", "app:create_app()"])
    assert cli_command() is None


@pytest.mark.slow
def test_the_startup_benchmark_runs():
    run = subprocess.run([sys.executable, "bench/startup.py", "--runs", "1"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "flask qisu --help" in run.stdout and "CPU" in run.stdout
    assert "heavy libraries imported by create_app(): none" in run.stdout
