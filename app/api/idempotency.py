"""The `Idempotency-Key` request header (case intake, task completion).

A retry with the same key and the same request returns the first response (same status and
body, header `Idempotent-Replayed: true`) and changes nothing; the same key with another request
is 422 `idempotency_key_reused`; a duplicate sent while the first is still running waits for it
and replays it, or gets 409. Keys are per user, at most 200 printable ASCII characters.
"""
from __future__ import annotations

import re
from functools import wraps

from flask import request

from app.domain.errors import BadRequest
from app.domain.texts import msg
from app.services import idempotency

from .auth import current_actor, runtime

HEADER = "Idempotency-Key"
KEY = re.compile(r"^[\x21-\x7e]{1,200}$")
DOC = {"parameters": [{
    "in": "header", "name": HEADER, "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": KEY.pattern},
    "description": "幂等键：1–200 个可见 ASCII 字符，其他取值答复 400；相同键的重试返回首次结果"
                   "且不重复执行（按用户区分，保留 24 小时）；同一键用于不同请求答复 422 "
                   "idempotency_key_reused，首个请求仍在进行时答复 409"}]}


def idempotent(status: int):
    """Decorate a view whose last keyword argument is `idem` (passed to the service)."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            key = request.headers.get(HEADER)
            if key is None:
                return view(*args, idem=None, **kwargs)
            if not KEY.match(key):
                raise BadRequest(fields={HEADER: [msg("idempotency.key_format", "幂等键须为 1–200 个可见 ASCII 字符")]})
            body = request.get_json(silent=True)
            req = idempotency.IdempotencyRequest(
                user_id=current_actor().id, key=key, method=request.method, path=request.path,
                request_hash=idempotency.request_hash(request.method, request.path, body))
            code, result, replayed = idempotency.execute(
                runtime(), req, lambda idem: view(*args, idem=idem, **kwargs), status)
            return result, code, ({"Idempotent-Replayed": "true"} if replayed else {})
        return wrapper
    return decorator
