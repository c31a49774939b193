"""What a task's doer needs to decide, read from the case's trail (P10, P13, P14, P15, P16).

One structure serves the API (`GET /api/tasks/{id}`, field `context`) and the task page
(templates/_task_context.html):

- `round`: the dual-loop round the task belongs to — 1 for the first handling, n + 1 after the
  n-th dissatisfied rating (a supervisor's or leader's task after a rating opens the next round);
- `previous_rounds`: each earlier, rated round: its solution, reply, the rating and its reason,
  and what the supervisor (督办意见) and a leader (领导批示) instructed after it;
- `overdue_instructions`: the supervisor's 超期督办 instructions in the current round;
- `returned`: a unit's 退单 in the current round (who, when, why) and the dispatcher's review;
- `co_opinions`: on the lead unit's 提出方案 / 办结答复, each co-unit's opinion (P15);
- `extension`: on 延期审批, the current deadline, the request, and earlier extensions (P14);
- `overdue`: on 超期督办, the clock that ran out and its deadline.

The enterprise's own task gets its rounds' public part only (solution, reply, its rating and
reason): no staff names, no internal instructions or notes.
Queries: the trail once (joined with the task rows), the unit names once when needed, and on
延期审批 the resolution clock once.
"""
from __future__ import annotations

from sqlalchemy import or_, select

from app.clock import iso
from app.db.models import AuditEvent, HumanTask, Unit

from .task_rounds import Trail, build_trail

# Trail entries the context reads; the others (claims, timers, clocks…) are left in the database.
ACTIONS = ("complete_task", "rating", "return", "clocks_started", "overdue", "extension_requested",
           "extension_approved", "extension_rejected", "task_opened")
LEAD_UNIT_TASKS = ("propose", "reply")
PUBLIC_ROUND_KEYS = ("round", "solution", "reply", "rating", "rating_comment", "rated_at")


def task_context(session, task: HumanTask, audience: str) -> dict:
    """The `context` of `task` for a viewer of role `audience` ("enterprise" gets the public part)."""
    units = _UnitNames(session)
    trail = build_trail(_events(session, task), task, units.code)
    context = {"round": trail.round, "previous_rounds": [r.as_dict() for r in trail.rated],
               "overdue_instructions": [], "returned": None, "co_opinions": None,
               "extension": None, "overdue": None}
    if audience == "enterprise":
        context["previous_rounds"] = [{key: r[key] if key in PUBLIC_ROUND_KEYS else None for key in r}
                                      for r in context["previous_rounds"]]
        return context
    context["overdue_instructions"] = trail.current.overdue_instructions
    context["returned"] = _returned(trail, task, units)
    if task.spec_name in LEAD_UNIT_TASKS:
        context["co_opinions"] = [dict(o, unit_name=units.name(o["unit_code"])) for o in trail.co_opinions()]
    if task.spec_name == "approve_extension":
        context["extension"] = _extension(session, task, trail)
    if task.spec_name.startswith("supervise_overdue_"):
        clock = task.spec_name.removeprefix("supervise_overdue_")
        context["overdue"] = next((o for o in reversed(trail.overdue) if o["clock"] == clock), None)
    return context


def _events(session, task: HumanTask):
    """The case's trail entries the context reads, each with the task row it belongs to."""
    opened_needed = or_(AuditEvent.action != "task_opened", HumanTask.spec_name == "co_handle")
    return session.execute(
        select(AuditEvent, HumanTask.spec_name, HumanTask.unit_id, HumanTask.status)
        .outerjoin(HumanTask, HumanTask.id == AuditEvent.task_id)
        .where(AuditEvent.case_id == task.case_id, AuditEvent.action.in_(ACTIONS), opened_needed)
        .order_by(AuditEvent.id)).all()


def _returned(trail: Trail, task: HumanTask, units: "_UnitNames") -> dict | None:
    """On 退单审核 the return under review; on a unit's task, a return earlier in this round."""
    returned = trail.current.returned
    if returned is None or (task.spec_name != "review_return" and task.role != "unit"):
        return None
    review = returned["review"]
    if review is not None:
        review = review | {"unit_name": units.name(review["unit_code"])}
    return returned | {"unit_name": units.name(returned["unit_code"]), "review": review}


def _extension(session, task: HumanTask, trail: Trail) -> dict | None:
    from .sla import current_clock
    requests = trail.extensions
    if not requests:
        return None
    pending = requests[-1]   # the request this task decides (a done task reads up to its decision)
    clock = current_clock(session, task.case_id, "resolution") if task.status == "ready" else None
    return {"due_at": iso(clock.due_at) if clock else pending["due_at"],
            "requested_due": pending["requested_due"], "reason": pending["reason"],
            "requested_at": pending["requested_at"], "requested_by": pending["requested_by"],
            "earlier": requests[:-1]}


class _UnitNames:
    """Units by code and by id, read once on first use."""

    def __init__(self, session):
        self._session, self._rows = session, None

    def _load(self) -> list:
        if self._rows is None:
            self._rows = self._session.execute(select(Unit.id, Unit.code, Unit.name)).all()
        return self._rows

    def name(self, code: str | None) -> str | None:
        if code is None:
            return None
        return next((row.name for row in self._load() if row.code == code), code)

    def code(self, unit_id: int | None) -> str | None:
        if unit_id is None:
            return None
        return next((row.code for row in self._load() if row.id == unit_id), None)

