"""Models of the policy check before deploy (issue 19 §5) and the designer's trail."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class PolicyCheck(Base):
    """One run of the policy scenarios against a draft: the newest deployment's files with
    `edits` in place. `results` holds one entry per scenario as it finishes."""
    __tablename__ = "policy_checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    base_deployment_id: Mapped[int | None] = mapped_column(ForeignKey("deployments.id"))
    bundle_hash: Mapped[str] = mapped_column(String(64), index=True)
    edits: Mapped[dict[str, Any]] = mapped_column(JSON)  # filename -> content
    rules: Mapped[list[str] | None] = mapped_column(JSON)  # None: every rule
    status: Mapped[str] = mapped_column(String(10))  # running, passed, failed, error
    total: Mapped[int | None] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, server_default="0")
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    message: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class DesignEvent(Base):
    """The designer's trail: policy checks, deployments and admin overrides, with who and why."""
    __tablename__ = "design_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str | None] = mapped_column(String(100))
    actor_role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    deployment_id: Mapped[int | None] = mapped_column(Integer, index=True)
    policy_check_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
