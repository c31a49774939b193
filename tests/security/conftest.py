"""Fixtures of the security regression suite (issue 17)."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.models import AuditEvent, Case
from app.engine.sandbox_pool import SandboxLimits

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
# Small limits keep the suite fast; the defaults (1 s, 64 MB) are checked in test_script_limits.
CPU_SECONDS, MEMORY_MB = 0.2, 64


@pytest.fixture
def small_limits(rt):
    environment = rt.runner.script_engine.environment
    saved, environment.limits = environment.limits, SandboxLimits(CPU_SECONDS, MEMORY_MB)
    yield environment.limits
    environment.limits = saved


def workflow_file(name: str, **replace) -> str:
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def xml_text(code: str) -> str:
    return code.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace('"', "&quot;").replace("'", "&apos;")


def deploy(api, filename: str, content: str) -> None:
    response = api.as_("designer1").post("/api/deployments",
                                         json={"filename": filename, "content": content})
    assert response.status == 201, response


def written(rt) -> tuple[int, int]:
    """How many cases and trail entries exist: a refused command adds neither."""
    with rt.uow() as uow:
        return (uow.session.scalar(select(func.count()).select_from(Case)),
                uow.session.scalar(select(func.count()).select_from(AuditEvent)))
