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
    """`by_system`: the step was the system's own (e.g. automatic dispatch), not the actor's.
    A `redispatch` (an accepted return) counts on the case's `returns_count` fact (P18)."""
    if action == "redispatch":
        command.case.returns_count = (command.case.returns_count or 0) + 1
    trail = getattr(command, "trail", None)
    entry = event(None if trail is not None else command.session, command.case.id, command.now,
                  None if by_system else command.actor, action, task_id=task_id,
                  task_name=task_name, before=before, after=after)
    if trail is not None:  # the command writes its entries in one INSERT (projection.flush)
        trail.append(entry)
    return entry


COLUMNS = ("case_id", "at", "actor_id", "actor_name", "actor_role", "action", "task_id",
           "task_name", "before", "after")


def rows(entries) -> list[dict]:
    """Trail entries as the parameters of one INSERT."""
    return [{name: getattr(entry, name) for name in COLUMNS} for entry in entries]


def event(session, case_id: int, at, actor, action: str, *, task_id: str | None = None,
          task_name: str | None = None, before: dict | None = None,
          after: dict | None = None) -> AuditEvent:
    """One trail entry on a case; `actor` None is the system. For writes outside a case command
    (e.g. a routing audit's verdict), in the caller's transaction."""
    entry = AuditEvent(
        case_id=case_id, at=at, action=action,
        actor_id=actor.id if actor else None,
        actor_name=actor.display_name if actor else "系统",
        actor_role=actor.role if actor else "system",
        task_id=task_id, task_name=task_name, before=before, after=after)
    if session is not None:
        session.add(entry)
    return entry
