"""Users, password login, bearer tokens and browser sessions.

Every credential is a row of `api_tokens` (kind "api" for a bearer token, "web" for a browser
session whose secret sits in the signed session cookie), holding only the SHA-256 of its secret.
Each authenticated request looks its row up (one indexed join with `users`), so deleting rows ends
them at once in every process and on every machine that shares the database: logout deletes one
row; a password change, a disabled user or an administrator's revocation deletes all of the user's.
"""
from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.db.models import ApiToken, User
from app.domain.actor import Actor
from app.domain.errors import NotFound, Unauthorized, ValidationFailed
from app.domain.texts import msg

from .runtime import Runtime

API, WEB = "api", "web"
PASSWORD_LENGTH = (8, 200)


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
            raise Unauthorized(msg("auth.wrong_credentials", "用户名或密码错误"))
        return to_actor(user)


def issue_token(rt: Runtime, username: str, password: str) -> dict:
    actor = check_credentials(rt, username, password)
    token, expires = _open(rt, actor.id, API)
    return {"token": token, "token_type": "Bearer", "expires_at": expires.isoformat() + "Z",
            "user": describe_actor(actor)}


def open_web_session(rt: Runtime, actor: Actor) -> str:
    """A new browser session of `actor`; its secret goes into the signed session cookie."""
    return _open(rt, actor.id, WEB)[0]


def _open(rt: Runtime, user_id: int, kind: str) -> tuple[str, datetime]:
    secret = secrets.token_urlsafe(32)
    now = rt.clock.now()
    expires = now + timedelta(hours=rt.settings.get("token_ttl_hours", 12))
    with rt.uow() as uow:  # the user's expired rows go on the way (indexed by user_id)
        uow.session.execute(delete(ApiToken).where(ApiToken.user_id == user_id,
                                                   ApiToken.expires_at < now))
        uow.session.add(ApiToken(token_hash=_digest(secret), kind=kind, user_id=user_id,
                                 created_at=now, expires_at=expires))
        uow.commit()
    return secret, expires


def actor_for_token(rt: Runtime, token: str) -> Actor:
    """The bearer token's user; an unknown, revoked or expired token or a disabled user → 401."""
    actor = _actor_for(rt, token, API)
    if actor is None:
        raise Unauthorized(msg("auth.token_invalid", "令牌无效或已过期"))
    return actor


def actor_for_session(rt: Runtime, secret: str | None) -> Actor | None:
    """The browser session's user, or None when the session has ended (logout, revocation…)."""
    return _actor_for(rt, secret, WEB) if secret else None


# Built once (every request runs it): one indexed lookup, the unique token_hash, then the user's
# primary key; plain columns, no ORM objects.
_LOOKUP = (select(ApiToken.expires_at, User.active, User.id, User.username, User.display_name,
                  User.role, User.unit_id, User.enterprise_id)
           .join(User, User.id == ApiToken.user_id)
           .where(ApiToken.token_hash == bindparam("digest"), ApiToken.kind == bindparam("kind")))


def _actor_for(rt: Runtime, secret: str, kind: str) -> Actor | None:
    with rt.read() as conn:  # one statement: no transaction, no session
        row = conn.execute(_LOOKUP, {"digest": _digest(secret), "kind": kind}).first()
    if row is None or row.expires_at < rt.clock.now() or not row.active:
        return None
    return Actor(id=row.id, username=row.username, display_name=row.display_name, role=row.role,
                 unit_id=row.unit_id, enterprise_id=row.enterprise_id)


def revoke(rt: Runtime, secret: str | None) -> None:
    """End one token or session (logout); an unknown secret is no error."""
    if not secret:
        return
    with rt.uow() as uow:
        uow.session.execute(delete(ApiToken).where(ApiToken.token_hash == _digest(secret)))
        uow.commit()


def revoke_all(rt: Runtime, username: str) -> int:
    """An administrator ends every token and session of `username`; the number ended."""
    with rt.uow() as uow:
        user = _user(uow.session, username)
        ended = _end_all(uow.session, user.id)
        uow.commit()
        return ended


def set_active(rt: Runtime, username: str, active: bool) -> int:
    """Enable or disable a user; disabling ends all of the user's tokens and sessions."""
    with rt.uow() as uow:
        user = _user(uow.session, username)
        user.active = active
        ended = 0 if active else _end_all(uow.session, user.id)
        uow.commit()
        return ended


def set_password(rt: Runtime, username: str, password: str, method: str | None = None,
                 keep: str | None = None, field: str = "password") -> int:
    """A new password for `username`; every token and session of the user ends, but for the
    one whose secret is `keep` (the user changing their own password stays logged in there)."""
    low, high = PASSWORD_LENGTH
    if not isinstance(password, str) or not low <= len(password) <= high:
        raise ValidationFailed(fields={field: [msg("auth.password_length", "密码须为 {low}–{high} 个字符",
                                                   low=low, high=high)]})
    with rt.uow() as uow:
        user = _user(uow.session, username)
        user.password_hash = hash_password(password, method)
        ended = _end_all(uow.session, user.id, except_hash=_digest(keep) if keep else None)
        uow.commit()
        return ended


def _user(session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(msg("auth.user_not_found", "未找到用户 {username}", username=username))
    return user


def _end_all(session, user_id: int, except_hash: str | None = None) -> int:
    query = delete(ApiToken).where(ApiToken.user_id == user_id)
    if except_hash is not None:
        query = query.where(ApiToken.token_hash != except_hash)
    return session.execute(query).rowcount


def actor_by_id(rt: Runtime, user_id: int) -> Actor | None:
    with rt.uow() as uow:
        user = uow.session.get(User, user_id)
        return to_actor(user) if user is not None and user.active else None


def describe_actor(actor: Actor) -> dict:
    return {"id": actor.id, "username": actor.username, "display_name": actor.display_name,
            "role": actor.role, "unit_id": actor.unit_id, "enterprise_id": actor.enterprise_id}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
