"""Users, password login and bearer tokens."""
from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.db.models import ApiToken, User
from app.domain.actor import Actor
from app.domain.errors import Unauthorized

from .runtime import Runtime


def hash_password(password: str, method: str | None = None) -> str:
    return generate_password_hash(password, method=method or "scrypt")


def to_actor(user: User) -> Actor:
    return Actor(id=user.id, username=user.username, display_name=user.display_name,
                 role=user.role, unit_id=user.unit_id, enterprise_id=user.enterprise_id)


@functools.cache
def dummy_hash() -> str:
    """A hash of a random password with the method and cost of real ones (hash_password)."""
    return hash_password(secrets.token_urlsafe(16))


def check_credentials(rt: Runtime, username: str, password: str) -> Actor:
    """The active user with this password. An unknown or disabled username costs the same as a
    wrong password (one hash check against a dummy hash), so timing does not tell which names
    exist."""
    with rt.uow() as uow:
        user = uow.session.scalar(select(User).where(User.username == username, User.active))
        stored = user.password_hash if user is not None else dummy_hash()
        if not check_password_hash(stored, password or "") or user is None:
            raise Unauthorized("用户名或密码错误")
        return to_actor(user)


def issue_token(rt: Runtime, username: str, password: str) -> dict:
    actor = check_credentials(rt, username, password)
    token = secrets.token_urlsafe(32)
    now = rt.clock.now()
    expires = now + timedelta(hours=rt.settings.get("token_ttl_hours", 12))
    with rt.uow() as uow:
        uow.session.add(ApiToken(token_hash=_digest(token), user_id=actor.id, created_at=now,
                                 expires_at=expires))
        uow.commit()
    return {"token": token, "token_type": "Bearer", "expires_at": expires.isoformat() + "Z",
            "user": describe_actor(actor)}


def actor_for_token(rt: Runtime, token: str) -> Actor:
    """The token's user; cached for a minute (a deactivated user's tokens stop within 60 s)."""
    digest = _digest(token)
    cached = rt.token_cache.get(digest)
    if cached is not None and cached[1] >= rt.clock.now():
        return cached[0]
    with rt.uow() as uow:
        row = uow.session.execute(
            select(ApiToken, User).join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == digest)).first()
        if row is None or row.ApiToken.expires_at < rt.clock.now() or not row.User.active:
            raise Unauthorized("令牌无效或已过期")
        actor = to_actor(row.User)
        rt.token_cache.put(digest, (actor, row.ApiToken.expires_at))
        return actor


def actor_by_id(rt: Runtime, user_id: int) -> Actor | None:
    with rt.uow() as uow:
        user = uow.session.get(User, user_id)
        return to_actor(user) if user is not None and user.active else None


def describe_actor(actor: Actor) -> dict:
    return {"id": actor.id, "username": actor.username, "display_name": actor.display_name,
            "role": actor.role, "unit_id": actor.unit_id, "enterprise_id": actor.enterprise_id}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
