"""The task list at city scale (issue 20 §3): each page read along an index, a capped count.

A user's queue is one or two *branches*, each an equality prefix of a partial index over ready
tasks (migration 0050): a unit's tasks (`unit_id`), a role's (`role`), the user's own claims
(`assignee_id`), an enterprise's (`enterprise_id`). Red-listed tasks come first, so every branch
is read twice, red and not red, each in the sort's order along the index with a LIMIT; the page is
the merge of those few rows. Nothing reads all open tasks: not the page (no window count, no sort
over the queue) and not the count, which stops at COUNT_CAP (`total_capped` says so).

Deep pages: `page` skips rows along the index (cheap up to the cap); `after` (the `next` of the
previous answer) continues from a row without skipping any, at any depth.
"""
from __future__ import annotations

import base64
import json
from datetime import datetime

from sqlalchemy import and_, func, literal, literal_column, or_, select, true, union_all

from app.db.models import Case, HumanTask
from app.domain.actor import Actor
from app.domain.errors import ValidationFailed

from .visibility import task_filter

COUNT_CAP = 1000
# Literals, not parameters: a prepared statement's generic plan (psycopg prepares a statement
# after its fifth run) or SQLite can only use a partial index whose WHERE it can prove.
READY = HumanTask.status == literal_column("'ready'")
SORT_KEYS = {"created_at": (HumanTask.created_at, False), "-created_at": (HumanTask.created_at, True),
             "due_at": (HumanTask.due_at, False)}


def queue_branches(actor: Actor, scope: str = "all") -> list:
    """The user's queue as disjoint index prefixes (together: visibility.task_filter)."""
    if scope == "mine":  # few rows: the assignee index, then a sort of them
        return [and_(HumanTask.assignee_id == actor.id, task_filter(actor))]
    if actor.role == "unit":
        return [and_(HumanTask.role == literal_column("'unit'"), HumanTask.unit_id == actor.unit_id)]
    if actor.role == "enterprise":
        return [and_(HumanTask.role == literal_column("'enterprise'"),
                     HumanTask.enterprise_id == actor.enterprise_id)]
    return [HumanTask.role == actor.role,
            and_(HumanTask.assignee_id == actor.id,
                 or_(HumanTask.role.is_(None), HumanTask.role != actor.role))]


def encode_cursor(task: HumanTask, sort: str) -> str:
    value = getattr(task, SORT_KEYS[sort][0].key)
    raw = json.dumps([task.red_list, value.isoformat() if value else None, task.id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[bool, datetime | None, str]:
    try:
        red, value, task_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return bool(red), datetime.fromisoformat(value) if value else None, str(task_id)
    except (ValueError, TypeError):
        raise ValidationFailed(fields={"after": "无效的翻页位置"}) from None


def _after(column, descending: bool, value, task_id: str):
    """Rows after (value, id) in the branch's order; NULL values (no deadline) come last."""
    if value is None:
        return and_(column.is_(None), HumanTask.id > task_id)
    beyond = column < value if descending else column > value
    return or_(beyond, column.is_(None), and_(column == value,
                                              HumanTask.id < task_id if descending else HumanTask.id > task_id))


def _ordered(sort: str):
    column, descending = SORT_KEYS[sort]
    if descending:
        return column, descending, (column.desc(), HumanTask.id.desc())
    return column, descending, (column.asc().nulls_last(), HumanTask.id.asc())


def ready_page(session, actor: Actor, scope: str, extra: list, sort: str, page: int,
               per_page: int, after: str | None) -> tuple[list, str | None]:
    """One page of ready tasks: ((HumanTask, Case) rows, cursor of the next page or None)."""
    column, descending, order = _ordered(sort)
    start = None if after is None else decode_cursor(after)
    skip = 0 if start else (page - 1) * per_page
    want = skip + per_page + 1  # one more tells whether a next page exists
    parts = []
    for branch in queue_branches(actor, scope):
        for red in (True, False):
            where = [branch, READY, HumanTask.red_list == red, *extra]
            if start is not None:
                start_red, value, task_id = start
                if start_red != red:
                    if red:  # the cursor is past every red-listed task
                        continue
                else:
                    where.append(_after(column, descending, value, task_id))
            parts.append(select(HumanTask.id, HumanTask.red_list.label("red"), column.label("key"))
                         .where(*where).order_by(*order).limit(want).subquery())
    if not parts:
        return [], None
    merged = union_all(*(select(p.c.id, p.c.red, p.c.key) for p in parts)).subquery()
    key_order = (merged.c.key.desc(), merged.c.id.desc()) if descending else \
        (merged.c.key.asc().nulls_last(), merged.c.id.asc())
    ids = list(session.scalars(select(merged.c.id).order_by(merged.c.red.desc(), *key_order)
                               .offset(skip).limit(per_page + 1)))
    more = len(ids) > per_page
    ids = ids[:per_page]
    found = {row.HumanTask.id: row for row in session.execute(
        select(HumanTask, Case).join(Case, Case.id == HumanTask.case_id).where(HumanTask.id.in_(ids)))}
    rows = [found[i] for i in ids if i in found]
    return rows, encode_cursor(rows[-1].HumanTask, sort) if more and rows else None


def ready_count(session, actor: Actor, scope: str, extra: list) -> tuple[int, bool]:
    """How many ready tasks the queue holds, counted up to COUNT_CAP: (count, capped)."""
    total = 0
    for branch in queue_branches(actor, scope):
        limited = select(literal(1)).where(branch, READY, *extra) \
            .limit(COUNT_CAP + 1 - total).subquery()
        total += session.scalar(select(func.count()).select_from(limited))
        if total > COUNT_CAP:
            return COUNT_CAP, True
    return total, False


def any_ready(session, actor: Actor) -> bool:
    """Whether the queue has a ready task (one index probe per branch)."""
    return any(session.scalar(select(true()).where(branch, READY).limit(1))
               for branch in queue_branches(actor))
