"""P16 full trail: every action with actor, role, time, task, before and after."""
from __future__ import annotations

from typing import Any

from app.db.models import AuditEvent, Case

SNAPSHOT_FIELDS = ("status", "current_step", "unit_id", "rating", "dissatisfied_rounds",
                   "reply_result", "closed_at")


def snapshot(case: Case) -> dict[str, Any]:
    data = {name: getattr(case, name) for name in SNAPSHOT_FIELDS}
    if data["closed_at"] is not None:
        data["closed_at"] = data["closed_at"].isoformat()
    return data


def record(command, action: str, *, task_id: str | None = None, task_name: str | None = None,
           before: dict | None = None, after: dict | None = None,
           by_system: bool = False) -> AuditEvent:
    """`by_system`: the step was the system's own (e.g. automatic dispatch), not the actor's."""
    actor = None if by_system else command.actor
    event = AuditEvent(
        case_id=command.case.id, at=command.now, action=action,
        actor_id=actor.id if actor else None,
        actor_name=actor.display_name if actor else "系统",
        actor_role=actor.role if actor else "system",
        task_id=task_id, task_name=task_name, before=before, after=after)
    command.session.add(event)
    return event
