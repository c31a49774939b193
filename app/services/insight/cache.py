"""A short-lived cache of insight answers, invalidated by any write.

Every command writes an audit event and every new case has a new id, so (max case id, max audit
event id) changes whenever the data the figures come from may have changed; both are read from
primary keys (instant). Entries also expire after `SECONDS`, and at local midnight (today's
partial day in the trend becomes a full one)."""
from __future__ import annotations

from functools import wraps

from sqlalchemy import func, select

from app.clock import local
from app.db.models import AuditEvent, Case

from ..runtime import TtlCache

SECONDS = 300


def _cache(rt) -> TtlCache:
    cache = getattr(rt, "insight_cache", None)
    if cache is None:
        cache = rt.insight_cache = TtlCache(seconds=SECONDS, size=512)
    return cache


def _version(rt) -> tuple:
    with rt.uow() as uow:
        session = uow.session
        return (session.scalar(select(func.max(Case.id))),
                session.scalar(select(func.max(AuditEvent.id))), local(rt.clock.now()).date())


def cached(fn):
    """Cache `fn(rt, filters, *args)` by its arguments and the data version."""
    @wraps(fn)
    def wrapper(rt, *args, **kwargs):
        if not rt.settings.get("insight_cache", True):
            return fn(rt, *args, **kwargs)
        key = (fn.__module__, fn.__name__, args, tuple(sorted(kwargs.items())), _version(rt))
        cache = _cache(rt)
        hit = cache.get(key)
        if hit is None:
            hit = fn(rt, *args, **kwargs)
            cache.put(key, hit)
        return hit
    wrapper.uncached = fn
    return wrapper
