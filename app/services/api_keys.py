"""API keys of third-party applications (Open311): only a SHA-256 hash of each key is stored.

A key acts as a user of role `api_client`, one user per application name: a new key for the same
name (key rotation) keeps access to the requests the application submitted with its old keys.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from app.clock import iso
from app.db.models import ApiKey, User
from app.domain.actor import Actor
from app.domain.control_chars import CONTROL_MESSAGE, bad_character
from app.domain.errors import Forbidden, NotFound, ValidationFailed
from app.domain.texts import msg

from .auth import to_actor
from .runtime import Runtime

KEY_PREFIX = "qisu_"
ROLE = "api_client"
UNUSABLE_PASSWORD = "!"  # an api_client user never logs in with a password
LAST_USED_RESOLUTION = timedelta(minutes=1)  # at most one write a minute per key


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(rt: Runtime, name: str) -> dict:
    """A new key for the application `name`; the key itself is returned only here."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed(fields={"name": [msg("api_key.name_length", "应用名称须为 1–100 个字符")]})
    if bad_character(name):
        raise ValidationFailed(fields={"name": [CONTROL_MESSAGE]})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with rt.uow() as uow:
        session = uow.session
        user = session.scalar(select(User).where(User.role == ROLE, User.display_name == name)
                              .order_by(User.id))
        if user is None:
            user = User(username=f"api_{secrets.token_hex(6)}", display_name=name, role=ROLE,
                        password_hash=UNUSABLE_PASSWORD, active=True)
            session.add(user)
            session.flush()
        row = ApiKey(key_hash=digest(key), name=name, user_id=user.id, created_at=rt.clock.now())
        session.add(row)
        session.flush()
        result = describe(row, user) | {"key": key}
        uow.commit()
        return result


def list_keys(rt: Runtime) -> list[dict]:
    with rt.uow() as uow:
        rows = uow.session.execute(select(ApiKey, User).join(User, User.id == ApiKey.user_id)
                                   .order_by(ApiKey.id))
        return [describe(row.ApiKey, row.User) for row in rows]


def revoke_key(rt: Runtime, key_id: int) -> dict:
    """Revoke a key at once (idempotent: a revoked key keeps its first revocation time)."""
    with rt.uow() as uow:
        row = uow.session.get(ApiKey, key_id) if 0 < key_id < 2**31 else None
        if row is None:
            raise NotFound(msg("api_key.not_found", "未找到该 API 密钥"))
        if row.revoked_at is None:
            row.revoked_at = rt.clock.now()
        result = describe(row, uow.session.get(User, row.user_id))
        uow.commit()
        return result


def actor_for_key(rt: Runtime, key: str | None) -> Actor:
    """The application a key belongs to; a missing, unknown or revoked key is refused (403)."""
    if not key:
        raise Forbidden(msg("api_key.missing", "缺少 api_key"))
    with rt.uow() as uow:
        row = uow.session.execute(select(ApiKey, User).join(User, User.id == ApiKey.user_id)
                                  .where(ApiKey.key_hash == digest(key))).first()
        if row is None or row.ApiKey.revoked_at is not None or not row.User.active \
                or row.User.role != ROLE:
            raise Forbidden(msg("api_key.invalid", "api_key 无效或已吊销"))
        now = rt.clock.now()
        last = row.ApiKey.last_used_at
        if last is None or now - last >= LAST_USED_RESOLUTION or now < last:
            row.ApiKey.last_used_at = now
            uow.commit()
        return to_actor(row.User)


def describe(row: ApiKey, user: User) -> dict:
    return {"id": row.id, "name": row.name, "user": user.username,
            "created_at": iso(row.created_at), "revoked_at": iso(row.revoked_at),
            "last_used_at": iso(row.last_used_at), "active": row.revoked_at is None}
