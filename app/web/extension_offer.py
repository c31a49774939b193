"""What the task page adds around a task's own form: the 申请延期 block for the lead unit (P14),
posted to `pages_extension.py`. (What the task's doer needs to decide — the return on 退单审核,
earlier rounds… — is the task's `context`.)"""
from __future__ import annotations

from flask import g

from app.services import cases

from .common import rt
from .filters import clause_sep
from app.i18n import gettext

REASON_MAX = 1000


def extension_offer(actor, task: dict, case: dict, clocks: list[dict]) -> dict | None:
    """The 申请延期 block of a lead unit's open task while the resolution clock runs and is not yet
    overdue (the service checks it all again): the form, or the request awaiting a decision. Not
    on 签收: a unit asks for more time only after signing for the case (P14)."""
    if actor.role != "unit" or task.get("name") in ("co_handle", "sign") or task.get("status") != "ready":
        return None
    clock = next((c for c in clocks if c["clock"] == "resolution"), None)
    if clock is None or clock["outcome"] != "running" or clock["overdue"]:
        return None
    draft = g.get("extension_draft") or {}   # a refused request, shown again
    offer = {"due_at": clock["due_at"], "requested_due": draft.get("requested_due", ""),
             "reason": draft.get("reason", ""), "errors": draft.get("errors") or {},
             "reason_max": REASON_MAX, "pending": None,
             "summary": clause_sep().join(gettext(m) for ms in (draft.get("errors") or {}).values()
                                          for m in ms)}
    if any(t["name"] == "approve_extension" for t in case.get("open_tasks") or []):
        events = cases.history(rt(), actor, case["number"])["events"]
        asked = next((e for e in reversed(events) if e["action"] == "extension_requested"), None)
        offer["pending"] = (asked or {}).get("after") or {}
    return offer

