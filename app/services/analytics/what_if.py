"""What-if on the deadline table (issue 21 §4): a draft `sla.dmn` replayed against the finished
deadline clocks of the chosen period's cases, beside today's figures.

Each finished clock (`sla_clocks` met or violated, with its finishing time `met_at`) is
- **met** when it finished by its warning time,
- **warned** when after the warning time but by the deadline,
- **breached** when after the deadline.
Today's figures use the warning time and deadline the clock had (extensions included). The
replay asks the draft table (red list, matter class, kind of the case) for the minutes, calendar
and warning ratio, and computes the deadline from the clock's start as `start_clocks` does; an
extended clock keeps the days its extensions added (its deadline minus the current table's).
An unchanged table therefore gives today's figures. Running, paused and cancelled clocks are
not counted (as the dashboard's on-time rates)."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

from sqlalchemy import select

from app.db.models import Case, SlaClock, Unit
from app.domain.errors import ValidationFailed
from app.engine.bundle import BundleError
from app.engine.decisions import decider, table_decider

from ..deployments import bundle_files, latest
from ..runtime import Runtime
from .model import Scope
from .trail import case_conditions

SLA_FILE = "sla.dmn"
SLA_TASK = "sla_rule"
SLA_DECISION = "sla"
OUTCOMES = ("met", "warned", "breached")
CLOCKS = ("response", "solution", "resolution")


def outcome(finished, warn_at, due_at) -> str:
    return "met" if finished <= warn_at else "warned" if finished <= due_at else "breached"


def what_if(rt: Runtime, scope: Scope, draft: str) -> dict:
    with rt.uow() as uow:
        session = uow.session
        deployment = latest(session)
        deployment_id = deployment.id
        current = decider(rt.specs.get(session, deployment.id), SLA_TASK, rt.runner.script_engine)
        units = {u.id: (u.code, u.name) for u in session.scalars(select(Unit))}
        rows = session.execute(
            select(Case.red_list, Case.matter_class, Case.kind, Case.domain, Case.unit_id,
                   SlaClock.clock, SlaClock.started_at, SlaClock.warn_at, SlaClock.due_at,
                   SlaClock.met_at, SlaClock.extensions)
            .join(Case, Case.id == SlaClock.case_id)
            .where(SlaClock.outcome.in_(("met", "violated")), SlaClock.met_at.is_not(None),
                   *case_conditions(session, scope))).all()
    try:
        proposed = table_decider(SLA_FILE, draft, SLA_DECISION, rt.runner.script_engine)
    except BundleError as err:
        raise ValidationFailed(fields={"sla_dmn": [err.message]}) from None
    calendar = rt.settings["calendar"]
    tables = {"today": current, "draft": proposed}
    answers: dict = {}

    def ask(which, key):
        if (which, key) not in answers:
            try:
                answers[which, key] = tables[which](dict(zip(("red_list", "matter_class", "kind"), key)))
            except Exception as err:  # noqa: BLE001 - a rule the sandbox refuses
                raise ValidationFailed(fields={"sla_dmn": [f"规则无法求值：{err}"]}) from None
            if not answers[which, key]:
                raise ValidationFailed(fields={"sla_dmn": [f"没有规则匹配：{key}"]})
        return answers[which, key]

    plans: dict = {}

    def plan(which, key, clock):
        """(natural deadline delta or None, warning delta or None, minutes, ratio) of a rule."""
        if (which, key, clock) not in plans:
            out = ask(which, key)
            minutes, ratio = int(out[f"{clock}_minutes"]), float(out["warn_ratio"])
            natural = (out[f"{clock}_calendar"] or "natural") == "natural" or minutes <= 0
            delta = timedelta(minutes=minutes) if natural else None
            plans[which, key, clock] = (delta, delta * ratio if natural else None, minutes, ratio)
        return plans[which, key, clock]

    def deadline(p, start):
        return start + p[0] if p[0] is not None else calendar.add(start, p[2], "working")

    tally = Counter()  # (unit, domain, clock, today, draft) -> clocks
    for red, matter, kind, domain, unit_id, clock, start, warn_at, due_at, finished, extensions in rows:
        key = (bool(red), matter, kind)
        today = outcome(finished, warn_at, due_at)
        p = plan("draft", key, clock)
        base = deadline(p, start)
        draft_warn = start + p[1] if p[1] is not None else start + (base - start) * p[3]
        if extensions:  # keep the time the extensions added to the current deadline
            base += due_at - deadline(plan("today", key, clock), start)
        tally[unit_id, domain, clock, today, outcome(finished, draft_warn, base)] += 1
    totals = {w: {c: Counter() for c in CLOCKS} for w in ("today", "draft")}
    by_unit = defaultdict(lambda: {"today": Counter(), "draft": Counter()})
    by_domain = defaultdict(lambda: {"today": Counter(), "draft": Counter()})
    for (unit_id, domain, clock, today, draft), n in tally.items():
        for which, value in (("today", today), ("draft", draft)):
            totals[which][clock][value] += n
            by_unit[unit_id][which][value] += n
            by_domain[domain][which][value] += n
    return {"deployment_id": deployment_id, "clocks": len(rows),
            "totals": {w: {c: _counts(totals[w][c]) for c in CLOCKS} for w in totals},
            "units": [{"unit": units.get(u, (None, None))[0], "unit_name": units.get(u, (None, "—"))[1],
                       "today": _counts(v["today"]), "draft": _counts(v["draft"])}
                      for u, v in sorted(by_unit.items(), key=lambda kv: -sum(kv[1]["today"].values()))],
            "domains": [{"domain": d, "today": _counts(v["today"]), "draft": _counts(v["draft"])}
                        for d, v in sorted(by_domain.items(), key=lambda kv: -sum(kv[1]["today"].values()))]}


def _counts(counter: Counter) -> dict:
    return {k: counter.get(k, 0) for k in OUTCOMES}


def current_table(rt: Runtime) -> str:
    """The deployed sla.dmn, the starting point of a draft."""
    with rt.uow() as uow:
        return bundle_files(uow.session, latest(uow.session)).get(SLA_FILE, "")
