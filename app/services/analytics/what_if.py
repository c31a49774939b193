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

from sqlalchemy import func, select

from app.db.models import Case, SlaClock, Unit
from app.domain.errors import ValidationFailed
from app.engine.bundle import BundleError
from app.engine.decisions import decider, table_decider

from ..deployments import bundle_files, latest
from ..insight.filters import postgres
from ..runtime import Runtime
from . import rollup
from .model import Scope
from .trail import case_conditions

SLA_FILE = "sla.dmn"
SLA_DECISION = "sla"
OUTCOMES = ("met", "warned", "breached")
CLOCKS = ("response", "solution", "resolution")


def outcome(finished, warn_at, due_at) -> str:
    return "met" if finished <= warn_at else "warned" if finished <= due_at else "breached"


COLUMNS = (Case.red_list, Case.matter_class, Case.kind, Case.domain, Case.unit_id,
           SlaClock.clock, SlaClock.started_at, SlaClock.warn_at, SlaClock.due_at,
           SlaClock.met_at, SlaClock.extensions)
FINISHED = (SlaClock.outcome.in_(("met", "violated")), SlaClock.met_at.is_not(None))


def what_if(rt: Runtime, scope: Scope, draft: str) -> dict:
    try:
        proposed = table_decider(SLA_FILE, draft, SLA_DECISION, rt.runner.script_engine)
    except BundleError as err:
        raise ValidationFailed(fields={"sla_dmn": [err.message]}) from None
    with rt.uow() as uow:
        session = uow.session
        deployment = latest(session)
        deployment_id = deployment.id
        current = decider(rt.specs.get(session, deployment.id), SLA_DECISION, rt.runner.script_engine)
        units = {u.id: (u.code, u.name) for u in session.scalars(select(Unit))}
        replay = Replay({"today": current, "draft": proposed}, rt.settings["calendar"],
                        _answers(rt, deployment_id, draft))
        in_database = postgres(session) and rollup.enabled(rt) and \
            rt.settings.get("what_if_in_database", True)
    if in_database:  # one aggregate for most clocks (what_if_sql.py)
        rollup.refresh(rt)
    with rt.uow() as uow:
        session = uow.session
        if in_database:
            tally, rows = _in_database(rt, session, scope, replay)
        else:
            where = case_conditions(session, scope)
            tally = Counter()
            rows = session.execute(select(*COLUMNS).join(Case, Case.id == SlaClock.case_id)
                                   .where(*FINISHED, *where)).all()
    for unit_id, domain, clock, today, draft_outcome in replay.outcomes(rows):
        tally[unit_id, domain, clock, today, draft_outcome] += 1
    clocks = sum(tally.values())
    totals = {w: {c: Counter() for c in CLOCKS} for w in ("today", "draft")}
    by_unit = defaultdict(lambda: {"today": Counter(), "draft": Counter()})
    by_domain = defaultdict(lambda: {"today": Counter(), "draft": Counter()})
    for (unit_id, domain, clock, today, draft), n in tally.items():
        for which, value in (("today", today), ("draft", draft)):
            totals[which][clock][value] += n
            by_unit[unit_id][which][value] += n
            by_domain[domain][which][value] += n
    return {"deployment_id": deployment_id, "clocks": clocks,
            "totals": {w: {c: _counts(totals[w][c]) for c in CLOCKS} for w in totals},
            "units": [{"unit": units.get(u, (None, None))[0], "unit_name": units.get(u, (None, "—"))[1],
                       "today": _counts(v["today"]), "draft": _counts(v["draft"])}
                      for u, v in sorted(by_unit.items(), key=lambda kv: (-sum(kv[1]["today"].values()),
                                                                           kv[0] or 0))],
            "domains": [{"domain": d, "today": _counts(v["today"]), "draft": _counts(v["draft"])}
                        for d, v in sorted(by_domain.items(), key=lambda kv: (-sum(kv[1]["today"].values()),
                                                                             kv[0] or ""))]}


class Replay:
    """Each clock's outcome under today's table (as it was) and under the draft (replayed)."""

    def __init__(self, tables: dict, calendar, answers: dict | None = None):
        self.tables, self.calendar, self.plans = tables, calendar, {}
        self.answers = {} if answers is None else answers

    def ask(self, which: str, key: tuple) -> dict:
        if (which, key) not in self.answers:
            try:
                found = self.tables[which](dict(zip(("red_list", "matter_class", "kind"), key)))
            except Exception as err:  # noqa: BLE001 - a rule the sandbox refuses
                raise ValidationFailed(fields={"sla_dmn": [f"规则无法求值：{err}"]}) from None
            if not found:
                raise ValidationFailed(fields={"sla_dmn": [f"没有规则匹配：{key}"]})
            self.answers[which, key] = found
        return self.answers[which, key]

    def plan(self, which, key, clock):
        """(natural deadline delta or None, warning delta or None, minutes, ratio) of a rule."""
        if (which, key, clock) not in self.plans:
            out = self.ask(which, key)
            minutes, ratio = int(out[f"{clock}_minutes"]), float(out["warn_ratio"])
            natural = (out[f"{clock}_calendar"] or "natural") == "natural" or minutes <= 0
            delta = timedelta(minutes=minutes) if natural else None
            self.plans[which, key, clock] = (delta, delta * ratio if natural else None, minutes, ratio)
        return self.plans[which, key, clock]

    def deadline(self, p, start):
        return start + p[0] if p[0] is not None else self.calendar.add(start, p[2], "working")

    def outcomes(self, rows):
        for red, matter, kind, domain, unit_id, clock, start, warn_at, due_at, finished, extensions in rows:
            key = (bool(red), matter, kind)
            p = self.plan("draft", key, clock)
            base = self.deadline(p, start)
            draft_warn = start + p[1] if p[1] is not None else start + (base - start) * p[3]
            if extensions:  # keep the time the extensions added to the current deadline
                base += due_at - self.deadline(self.plan("today", key, clock), start)
            yield unit_id, domain, clock, outcome(finished, warn_at, due_at), outcome(finished, draft_warn, base)


def _answers(rt, deployment_id: int, draft: str) -> dict:
    """The rule outputs already asked of this draft (and the deployment's table): a designer
    replays one draft over several periods and filters."""
    import hashlib
    cache = getattr(rt, "what_if_answers", None)
    if cache is None:
        cache = rt.what_if_answers = {}
    key = (deployment_id, hashlib.sha256(draft.encode()).hexdigest())
    if key not in cache:
        if len(cache) >= 8:
            cache.pop(next(iter(cache)))
        cache[key] = {}
    return cache[key]


def _in_database(rt, session, scope: Scope, replay: Replay):
    """PostgreSQL with the rollup: the tally of the clocks the database replays, and the rows
    left to Python (extended clocks, working-minute rules that are not whole days, keys without
    a rule), from `analytics_clocks`."""
    from itertools import product

    from app.db.analytics_sql import NONE_TEXT, NONE_UNIT
    from app.domain.vocab import KINDS, MATTER_CLASSES

    from . import what_if_sql as wsql
    from .rollup import clock_conditions

    def ask(key):
        try:
            return replay.ask("draft", key)
        except ValidationFailed:  # raised by the Python replay if such a clock exists
            return None
    plan = wsql.plan_rows(list(product((False, True), MATTER_CLASSES, KINDS)), ask)
    where = clock_conditions(session, scope)
    days = {p["days"] for p in plan if p["days"] is not None}
    cal = []
    if days:
        first = session.scalar(select(func.min(wsql.W.created_at)).where(*where))  # indexed;
        # a clock starts after its case's intake
        if first is not None:
            last = (rt.clock.now() + timedelta(hours=8)).date() + timedelta(days=1)
            cal = wsql.calendar_rows((first + timedelta(hours=8)).date(), last, days,
                                     rt.settings["calendar"].hours[0][0])
    tally, left = Counter(), 0
    for unit_id, domain, clock, today, draft, n in wsql.tally(session, where, plan, cal):
        if draft == wsql.PYTHON:
            left += n
            continue
        tally[None if unit_id == NONE_UNIT else unit_id, None if domain == NONE_TEXT else domain,
              clock, today, draft] += n
    rows = wsql.python_rows(session, where, plan, left) if left else []
    return tally, [(r, m, k, None if d == NONE_TEXT else d, None if u == NONE_UNIT else u, *rest)
                   for r, m, k, d, u, *rest in rows]


def _counts(counter: Counter) -> dict:
    return {k: counter.get(k, 0) for k in OUTCOMES}


def current_table(rt: Runtime) -> str:
    """The deployed sla.dmn, the starting point of a draft."""
    with rt.uow() as uow:
        return bundle_files(uow.session, latest(uow.session)).get(SLA_FILE, "")
