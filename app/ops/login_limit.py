"""Login rate limiting: at most N failed logins per username and client address in a moving
window (default 5 in 15 minutes); then 429 until the window moves on. A successful login clears
the count. Counts live in `QISU_RATELIMIT_STORAGE` (the `limits` library): `memory://` (per
process, the default) or `redis://host:6379/0` (shared by every gunicorn process and machine).
If the store is unreachable, logins are not blocked (logged as a warning)."""
from __future__ import annotations

import logging
import math
import time

from flask import current_app, request
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.domain.errors import TooManyRequests

log = logging.getLogger("qisu.login_limit")


class LoginLimiter:
    def __init__(self, storage_uri: str, max_failures: int, window_minutes: int):
        self.item = RateLimitItemPerMinute(max_failures, window_minutes)
        self.window_minutes = window_minutes
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))

    def check(self, username: str, address: str) -> None:
        """Raise 429 when this username has failed too often from this address."""
        key = self._key(username, address)
        try:
            allowed = self.limiter.test(self.item, key)
            reset = self.limiter.get_window_stats(self.item, key).reset_time if not allowed else 0
        except Exception as err:  # the store is down: fail open, but say so
            log.warning("login rate limit store unavailable: %s", err.__class__.__name__)
            return
        if not allowed:
            retry = max(1, math.ceil(reset - time.time()))
            raise TooManyRequests(
                f"登录失败次数过多,请 {max(1, math.ceil(retry / 60))} 分钟后再试", retry_after=retry)

    def failed(self, username: str, address: str) -> None:
        self._safe(self.limiter.hit, username, address)

    def succeeded(self, username: str, address: str) -> None:
        self._safe(self.limiter.clear, username, address)

    def reset(self) -> None:
        """Forget every count (tests; an operator after an incident)."""
        self.limiter.storage.reset()

    def _safe(self, fn, username: str, address: str) -> None:
        try:
            fn(self.item, self._key(username, address))
        except Exception as err:
            log.warning("login rate limit store unavailable: %s", err.__class__.__name__)

    @staticmethod
    def _key(username: str, address: str) -> str:
        return f"qisu-login:{(username or '').strip().lower()[:150]}:{address or '-'}"


def limiter() -> LoginLimiter:
    return current_app.extensions["qisu_login_limiter"]


def guarded_login(check_credentials, username: str, password: str):
    """Run `check_credentials(username, password)` under the limiter (current request's address)."""
    from app.domain.errors import Unauthorized
    address = request.remote_addr or "-"
    limit = limiter()
    limit.check(username, address)
    try:
        result = check_credentials(username, password)
    except Unauthorized:
        limit.failed(username, address)
        raise
    limit.succeeded(username, address)
    return result


def init_app(app) -> None:
    app.extensions["qisu_login_limiter"] = LoginLimiter(
        app.config["QISU_RATELIMIT_STORAGE"], app.config["QISU_LOGIN_MAX_FAILURES"],
        app.config["QISU_LOGIN_WINDOW_MINUTES"])
