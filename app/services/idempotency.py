"""Idempotency keys: a retried request returns the first result and changes nothing.

The first request's status and body are written in the same transaction as its command
(`claim` first, so a concurrent duplicate waits on the unique (user, key) row and then fails;
`finish` just before the commit), so a stored result exists exactly when the command committed.
A failed command (4xx) stores nothing: its retry runs again. Keys are per user and kept
`QISU_IDEMPOTENCY_TTL_HOURS` (24 h); `purge` removes older ones (the worker and
`flask qisu purge-idempotency-keys` call it).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.db.models import IdempotencyKey
from app.domain.errors import Conflict, IdempotencyKeyReused

from .runtime import Runtime

IN_FLIGHT = "相同 Idempotency-Key 的请求正在处理中，请稍后重试"


@dataclass(frozen=True)
class IdempotencyRequest:
    user_id: int
    key: str
    method: str
    path: str
    request_hash: str


def request_hash(method: str, path: str, body) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def find(rt: Runtime, req: IdempotencyRequest) -> tuple[int, dict] | None:
    """The stored (status, body) of this key, or None; 422 when the key was used otherwise."""
    with rt.uow() as uow:
        row = uow.session.scalar(select(IdempotencyKey).where(
            IdempotencyKey.user_id == req.user_id, IdempotencyKey.key == req.key))
        if row is None:
            return None
        if row.request_hash != req.request_hash:
            raise IdempotencyKeyReused(fields={"Idempotency-Key": [
                "该键已用于另一个请求（不同的路径或请求体），请为新请求使用新的键"]})
        return row.status_code, json.loads(row.response_body)


def claim(uow, rt: Runtime, req: IdempotencyRequest | None) -> IdempotencyKey | None:
    """First write of the command's transaction: the key's row, completed by `finish`."""
    if req is None:
        return None
    row = IdempotencyKey(user_id=req.user_id, key=req.key, method=req.method, path=req.path[:300],
                         request_hash=req.request_hash, status_code=0, response_body="",
                         created_at=rt.clock.now())
    uow.session.add(row)
    uow.session.flush()  # a concurrent duplicate blocks here, then fails on the unique key
    return row


def finish(row: IdempotencyKey | None, status: int, body: dict) -> None:
    if row is not None:
        row.status_code = status
        row.response_body = json.dumps(body, ensure_ascii=False, default=str)


def execute(rt: Runtime, req: IdempotencyRequest | None,
            command: Callable[[IdempotencyRequest | None], dict],
            status: int) -> tuple[int, dict, bool]:
    """Run `command(req)` once per key: returns (status, body, replayed)."""
    if req is None:
        return status, command(None), False
    stored = find(rt, req)
    if stored is not None:
        return *stored, True
    try:
        return status, command(req), False
    except Conflict as err:
        stored = find(rt, req)  # a concurrent duplicate committed first
        if stored is not None:
            return *stored, True
        if _is_key_clash(err):
            raise Conflict(IN_FLIGHT) from err
        raise


def purge(rt: Runtime, older_than_hours: int | None = None) -> int:
    hours = older_than_hours if older_than_hours is not None else \
        rt.settings.get("idempotency_ttl_hours", 24)
    cutoff = rt.clock.now() - timedelta(hours=hours)
    with rt.uow() as uow:
        count = uow.session.execute(
            delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff)).rowcount
        uow.commit()
        return count


def _is_key_clash(err: Conflict) -> bool:
    cause = err.__cause__
    return isinstance(cause, IntegrityError) and "idempotency" in str(cause).lower()
