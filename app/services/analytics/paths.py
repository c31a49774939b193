"""Each matching case's path — the user tasks it passed, in the order they opened — grouped by
path. On PostgreSQL the database builds the paths (`string_agg … ORDER BY`) and groups them, so
only the distinct paths (a few hundred) travel; elsewhere (SQLite, whose `group_concat` cannot
be ordered before 3.44) the ordered task rows are grouped here. Both give the same groups."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case as when, func, literal_column, select, tuple_
from sqlalchemy.dialects.postgresql import aggregate_order_by

from app.db.models import Case, HumanTask

from ..insight.filters import postgres
from . import rollup
from .model import Scope, model_cached
from .stats import nearest_rank
from .trail import case_conditions, case_trails

SATISFIED = ("非常满意", "满意")
SEP = ">"
BATCH = 5000


@dataclass
class PathGroup:
    path: tuple[str, ...]
    count: int
    closed: int
    median_lead_seconds: int | None
    rated: int
    satisfied: int
    estimated: bool = False                # median lead time from the rollup's histogram


def _per_case(session, scope: Scope, ids=None):
    order = aggregate_order_by(literal_column("'>'"), HumanTask.created_at, HumanTask.spec_name)
    where = case_conditions(session, scope) if ids is None else [Case.id.in_(ids)]
    return (select(Case.id, Case.number, Case.created_at, Case.closed_at, Case.handling_seconds,
                   Case.rating, Case.deployment_id,
                   func.coalesce(func.string_agg(HumanTask.spec_name, order), "").label("path"))
            .select_from(Case).outerjoin(HumanTask, HumanTask.case_id == Case.id)
            .where(*where).group_by(Case.id).subquery())


def path_groups(session, scope: Scope) -> list[PathGroup]:
    if postgres(session):
        per_case = _per_case(session, scope)
        rows = session.execute(select(
            per_case.c.path, func.count(), func.count(per_case.c.handling_seconds),
            func.percentile_disc(0.5).within_group(per_case.c.handling_seconds),
            func.count(per_case.c.rating),
            func.count(when((per_case.c.rating.in_(SATISFIED), 1))))
            .group_by(per_case.c.path))
        return [PathGroup(tuple(p.split(SEP)) if p else (), n, closed,
                          int(median) if median is not None else None, rated, happy)
                for p, n, closed, median, rated, happy in rows]
    groups: dict[tuple, list] = {}
    for trail in case_trails(session, scope):
        groups.setdefault(tuple(trail.steps), []).append(trail)
    out = []
    for path, members in groups.items():
        lead = sorted(t.handling_seconds for t in members if t.handling_seconds is not None)
        rated = [t.rating for t in members if t.rating]
        out.append(PathGroup(path, len(members), len(lead), nearest_rank(lead, 0.5), len(rated),
                             sum(r in SATISFIED for r in rated)))
    return out


def cases_on(session, scope: Scope, paths: set[tuple], limit: int,
             from_rollup: bool = False) -> list[dict]:
    """The newest `limit` matching cases whose path is one of `paths`. From the rollup's per-case
    paths (`from_rollup`, refreshed by the caller): by the index on (path, intake time). Else on
    PostgreSQL the cases are read newest first in batches of BATCH (by the created_at index),
    each batch's paths built by the database, until `limit` are found: a common path is found in
    the first batches."""
    if not paths:
        return []
    if from_rollup:
        return [_item(number, created, closed, lead, rating, deployment_id,
                      tuple(path.split(SEP)) if path else ())
                for number, created, closed, lead, rating, deployment_id, path
                in rollup.newest_cases(session, scope, paths, limit)]
    if not postgres(session):
        members = [t for t in case_trails(session, scope) if tuple(t.steps) in paths]
        members.sort(key=lambda t: (t.created_at, t.case_id), reverse=True)
        return [_item(t.number, t.created_at, t.closed_at, t.handling_seconds, t.rating,
                      t.deployment_id, tuple(t.steps)) for t in members[:limit]]
    keys = [SEP.join(p) for p in paths]
    where, found, after = case_conditions(session, scope), [], None
    while len(found) < limit:
        stmt = select(Case.id, Case.created_at).where(*where)
        if after is not None:
            stmt = stmt.where(tuple_(Case.created_at, Case.id) < after)
        batch = session.execute(stmt.order_by(Case.created_at.desc(), Case.id.desc())
                                .limit(BATCH)).all()
        if not batch:
            break
        after = (batch[-1][1], batch[-1][0])
        per_case = _per_case(session, scope, [row[0] for row in batch])
        rows = session.execute(select(per_case).where(per_case.c.path.in_(keys))
                               .order_by(per_case.c.created_at.desc(), per_case.c.id.desc())).all()
        found += [_item(r.number, r.created_at, r.closed_at, r.handling_seconds, r.rating,
                        r.deployment_id, tuple(r.path.split(SEP)) if r.path else ()) for r in rows]
    return found[:limit]


def _item(number, created, closed, lead, rating, deployment_id, path) -> dict:
    return {"number": number, "created_at": created.isoformat(),
            "closed_at": closed.isoformat() if closed else None, "lead_seconds": lead,
            "rating": rating, "deployment_id": deployment_id, "path": path}



@model_cached
def cached_groups(rt, scope: Scope) -> list[PathGroup]:
    """`path_groups` through the answer cache, so that the heat map's flows, the variants, a
    variant's cases and conformance of the same filters group the paths once. From the rollup
    when the selection has more than `analytics_exact_max` cases (rollup.py)."""
    if rollup.enabled(rt):
        rollup.refresh(rt)
    with rt.uow() as uow:
        session = uow.session
        if rollup.enabled(rt):
            rows = rollup.variant_rows(session, scope)
            if sum(row[1] for row in rows) > rollup.exact_max(rt):
                return [PathGroup(path, n, closed, rollup.estimate(hist, 0.5), rated, happy, True)
                        for path, n, closed, rated, happy, hist in rows]
        return path_groups(session, scope)
