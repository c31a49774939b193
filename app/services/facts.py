"""P18 facts: the insight columns of `cases`, kept current by every command (projection.save).

Definitions (docs/insight.md "Definitions"):
- `<clock>_on_time` — over the finished rounds of that clock (outcome met or violated): False when
  any violated, True when all met, None while none finished. A clock `paused` by a return is not
  finished yet (it resumes); a `cancelled` one (a return that restarts the clocks, or a new round)
  never finished, so it counts neither way. `running` clocks are not finished.
- `dispatched_at` — the first time the case had a receiving unit.
- `handling_seconds` — closed_at − created_at once the case is closed (direct replies included).
- `returns_count` — accepted returns (退单 approved by the dispatcher and re-dispatched: the
  audit action `redispatch`).
- `extensions_count` — approved extensions (the sum of `sla_clocks.extensions`).
"""
from __future__ import annotations

from app.db.models import Case

FINISHED = ("met", "violated")
CLOCKS = ("response", "solution", "resolution")


def on_time(outcomes) -> bool | None:
    """The on-time fact of one clock from the outcomes of all its rounds."""
    finished = [o for o in outcomes if o in FINISHED]
    if not finished:
        return None
    return "violated" not in finished


def refresh(command) -> None:
    """Bring the case's fact columns up to date from the command's clock rows (no query of its
    own; `returns_count` is counted on where a redispatch is recorded, audit.record)."""
    case = command.case
    apply(case, command.clocks(), case.returns_count or 0, command.now)


def apply(case: Case, clocks, returns: int, now) -> None:
    for name in CLOCKS:
        value = on_time(c.outcome for c in clocks if c.clock == name)
        if getattr(case, f"{name}_on_time") != value:
            setattr(case, f"{name}_on_time", value)
    if case.unit_id is not None and case.dispatched_at is None:
        case.dispatched_at = now
    handling = (int((case.closed_at - case.created_at).total_seconds())
                if case.closed_at is not None else None)
    if case.handling_seconds != handling:
        case.handling_seconds = handling
    extensions = sum(c.extensions or 0 for c in clocks)
    if case.extensions_count != extensions:
        case.extensions_count = extensions
    if case.returns_count != returns:
        case.returns_count = returns
