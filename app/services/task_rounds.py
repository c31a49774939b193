"""The case's trail read as rounds of the dual loop (P10), for task_context.py: one pass over the
audit events, oldest first, each with the spec name, unit and status of the task it concerns."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from app.clock import iso
from app.db.models import HumanTask
from app.domain.texts import N_
from app.domain.vocab import is_dissatisfied

CO_STATUS = {"completed": "submitted", "ready": "pending"}  # otherwise: not_submitted


@dataclass
class Round:
    """One handling round: what the unit did, how the enterprise rated it, what was instructed after."""
    number: int
    solution: str | None = None
    reply: dict | None = None
    rating: str | None = None
    rating_comment: str | None = None
    rated_at: str | None = None
    rated_by: str | None = None
    instruction: str | None = None
    revisit_note: str | None = None
    leader_instruction: str | None = None
    overdue_instructions: list[dict] = field(default_factory=list)
    returned: dict | None = None

    def as_dict(self) -> dict:
        return {"round": self.number, "solution": self.solution, "reply": self.reply,
                "rating": self.rating, "rating_comment": self.rating_comment, "rated_at": self.rated_at,
                "rated_by": self.rated_by, "instruction": self.instruction,
                "revisit_note": self.revisit_note, "leader_instruction": self.leader_instruction}


@dataclass
class Trail:
    current: Round = field(default_factory=lambda: Round(1))
    rated: list[Round] = field(default_factory=list)
    extensions: list[dict] = field(default_factory=list)
    overdue: list[dict] = field(default_factory=list)
    co_tasks: dict[str, dict] = field(default_factory=dict)  # this handling's co_handle tasks by id

    @property
    def round(self) -> int:
        return self.current.number

    def co_opinions(self) -> list[dict]:
        return list(self.co_tasks.values())


def build_trail(rows, task: HumanTask, unit_code: Callable[[int | None], str | None]) -> Trail:
    """`rows`: (AuditEvent, spec_name, unit_id, status) oldest first. A done task is read as it
    stood when it was done (up to its own completion); an open one sees everything so far."""
    trail = Trail()
    for event, spec, unit_id, status in rows:
        if event.action == "complete_task" and event.task_id == task.id:
            break
        if task.status != "ready" and task.completed_at is not None and event.at > task.completed_at:
            break
        handler = HANDLERS.get(event.action)
        if handler is not None:
            handler(trail, event, spec, unit_id, status, unit_code)
    return trail


def _complete(trail: Trail, event, spec, unit_id, status, unit_code) -> None:
    data = (event.after or {}).get("data") or {}
    current = trail.current
    previous = trail.rated[-1] if trail.rated else current
    if spec == "propose":
        current.solution = data.get("solution")
    elif spec == "reply":
        current.reply = {"result": data.get("result"), "text": data.get("reply_text"), "at": iso(event.at)}
    elif spec == "supervise":
        previous.instruction = data.get("instruction")
        previous.revisit_note = data.get("revisit_note") or previous.revisit_note
    elif spec == "leader_instruction":
        previous.leader_instruction = data.get("leader_instruction")
    elif spec == "revisit":
        current.revisit_note = data.get("revisit_note")
    elif spec and spec.startswith("supervise_overdue_"):
        current.overdue_instructions.append({"clock": spec.removeprefix("supervise_overdue_"),
                                             "instruction": data.get("instruction"), "at": iso(event.at)})
    elif spec == "co_handle" and event.task_id in trail.co_tasks:
        trail.co_tasks[event.task_id] |= {"opinion": data.get("co_opinion"), "at": iso(event.at)}
    elif spec == "review_return" and current.returned is not None:
        current.returned["review"] = {"decision": data.get("return_decision"),
                                      "comment": data.get("review_comment") or None,
                                      "unit_code": data.get("unit_code") or None, "at": iso(event.at)}


def _rating(trail: Trail, event, *_rest) -> None:
    after, current = event.after or {}, trail.current
    current.rating, current.rating_comment = after.get("rating"), after.get("comment")
    current.rated_at = iso(event.at)
    current.rated_by = "enterprise" if event.actor_role == "enterprise" else "revisit"
    if is_dissatisfied(current.rating):
        trail.rated.append(current)
        trail.current = Round(current.number + 1)


def _return(trail: Trail, event, *_rest) -> None:
    after = event.after or {}
    trail.current.returned = {"unit_code": after.get("unit_code"), "by": event.actor_name,
                              "at": iso(event.at), "reason": after.get("reason") or None, "review": None}


def _handling_started(trail: Trail, *_rest) -> None:
    trail.co_tasks = {}


def _task_opened(trail: Trail, event, spec, unit_id, status, unit_code) -> None:
    if spec == "co_handle":
        trail.co_tasks[event.task_id] = {"unit_code": unit_code(unit_id), "opinion": None, "at": None,
                                         "status": CO_STATUS.get(status, "not_submitted")}


def _overdue(trail: Trail, event, *_rest) -> None:
    after = event.after or {}
    trail.overdue.append({"clock": after.get("clock"), "due_at": after.get("due_at"), "at": iso(event.at)})


def _extension_requested(trail: Trail, event, *_rest) -> None:
    after = event.after or {}
    trail.extensions.append({
        "requested_at": iso(event.at), "requested_by": event.actor_name,
        "requested_due": after.get("requested_due"), "reason": after.get("reason"),
        "due_at": after.get("due_at"), "decision": None, "comment": None, "decided_at": None,
        "granted_due": None})


def _extension_decided(trail: Trail, event, *_rest) -> None:
    pending = next((r for r in reversed(trail.extensions) if r["decision"] is None), None)
    if pending is None:
        return
    after = event.after or {}
    approved = event.action == "extension_approved"
    pending |= {"decision": after.get("decision") or (N_("批准") if approved else N_("驳回")),
                "comment": after.get("comment") or None, "decided_at": iso(event.at),
                "granted_due": after.get("due_at") if approved else None}


HANDLERS = {"complete_task": _complete, "rating": _rating, "return": _return,
            "clocks_started": _handling_started, "task_opened": _task_opened, "overdue": _overdue,
            "extension_requested": _extension_requested, "extension_approved": _extension_decided,
            "extension_rejected": _extension_decided}
