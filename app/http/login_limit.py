"""Login throttling (issue 17): at most N failed logins per username and client address in a
moving window (default 5 in 15 minutes); then 429 until the oldest failure in the window is
older than the window — also for the correct password (the lockout holds while it lasts).
A successful login clears the count.

The count is shared by every process: `QISU_RATELIMIT_STORAGE` = `database` (the default: table
`login_failures`, migration 0011, on the app's own database and clock) or a `limits` storage URI
such as `redis://host:6379/0` (Redis, shared by every gunicorn process and machine).
`memory://` counts in each process on its own (development only). If the store is unreachable,
logins are not blocked (logged as a warning)."""
from __future__ import annotations

import logging
import math
import time
from datetime import timedelta

from flask import current_app, request

from app.domain.errors import TooManyRequests

log = logging.getLogger("qisu.login_limit")
DATABASE = "database"


class DatabaseStore:
    """Failures as rows in the app's database (app/services/login_failures.py)."""

    def __init__(self, app, max_failures: int, window_minutes: int):
        self.app, self.max_failures = app, max_failures
        self.window = timedelta(minutes=window_minutes)

    def _rt(self):
        return self.app.extensions["qisu"]

    def retry_after(self, key: str) -> int:
        from app.services import login_failures
        count, oldest = login_failures.recent(self._rt(), key, self.window)
        if count < self.max_failures:
            return 0
        return max(1, math.ceil((oldest + self.window - self._rt().clock.now()).total_seconds()))

    def hit(self, key: str) -> None:
        from app.services import login_failures
        login_failures.record(self._rt(), key, self.window)

    def clear(self, key: str | None = None) -> None:
        from app.services import login_failures
        login_failures.clear(self._rt(), key)


class LimitsStore:
    """Failures in a `limits` storage (Redis, or memory:// per process) with a moving window."""

    def __init__(self, storage_uri: str, max_failures: int, window_minutes: int):
        from limits import RateLimitItemPerMinute
        from limits.storage import storage_from_string
        from limits.strategies import MovingWindowRateLimiter
        self.item = RateLimitItemPerMinute(max_failures, window_minutes)
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))

    def retry_after(self, key: str) -> int:
        if self.limiter.test(self.item, key):
            return 0
        reset = self.limiter.get_window_stats(self.item, key).reset_time
        return max(1, math.ceil(reset - time.time()))

    def hit(self, key: str) -> None:
        self.limiter.hit(self.item, key)

    def clear(self, key: str | None = None) -> None:
        if key is None:
            self.limiter.storage.reset()
        else:
            self.limiter.clear(self.item, key)


class LoginLimiter:
    def __init__(self, store):
        self.store = store

    def check(self, username: str, address: str) -> None:
        """Raise 429 when this username has failed too often from this address."""
        try:
            retry = self.store.retry_after(self._key(username, address))
        except Exception as err:  # the store is down: fail open, but say so
            log.warning("login rate limit store unavailable: %s", err.__class__.__name__)
            return
        if retry:
            raise TooManyRequests(
                f"登录失败次数过多,请 {max(1, math.ceil(retry / 60))} 分钟后再试", retry_after=retry)

    def failed(self, username: str, address: str) -> None:
        self._safe(self.store.hit, username, address)

    def succeeded(self, username: str, address: str) -> None:
        self._safe(self.store.clear, username, address)

    def reset(self) -> None:
        """Forget every count (tests; an operator after an incident)."""
        self.store.clear()

    def _safe(self, fn, username: str, address: str) -> None:
        try:
            fn(self._key(username, address))
        except Exception as err:
            log.warning("login rate limit store unavailable: %s", err.__class__.__name__)

    @staticmethod
    def _key(username: str, address: str) -> str:
        return f"qisu-login:{(username or '').strip().lower()[:150]}:{(address or '-')[:45]}"


def limiter() -> LoginLimiter:
    return current_app.extensions["qisu_login_limiter"]


def guarded_login(check_credentials, username: str, password: str):
    """Run `check_credentials(username, password)` under the limiter (current request's address).
    While locked, the password is not even checked: the right one gets 429 too."""
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


def make_store(app):
    uri = (app.config.get("QISU_RATELIMIT_STORAGE") or DATABASE).strip()
    args = (app.config["QISU_LOGIN_MAX_FAILURES"], app.config["QISU_LOGIN_WINDOW_MINUTES"])
    return DatabaseStore(app, *args) if uri == DATABASE else LimitsStore(uri, *args)


def init_app(app) -> None:
    from app.services.auth import dummy_hash
    app.extensions["qisu_login_limiter"] = LoginLimiter(make_store(app))
    dummy_hash()   # computed once per process now, not during the first unknown user's login
