"""Configuration from the environment (12-factor); see docs/operations.md "Configuration (environment)"."""
from __future__ import annotations

import math
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.lower() in ("1", "true", "yes", "on")


def positive_number(config, name: str, allow_zero: bool = False) -> float:
    """A setting that must be a finite number above zero (or zero, when `allow_zero`), e.g.
    QISU_RATING_TIMEOUT_HOURS=0.5; anything else stops the start-up with a clear message."""
    raw = config.get(name)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = float("nan")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = "zero or more" if allow_zero else "above zero"
        raise ValueError(f"{name} must be a number {bound} (e.g. 72 or 0.5), not {raw!r}")
    return value


def load_config(instance_path: str) -> dict:
    """Build the Flask config mapping from environment variables."""
    default_db = "sqlite:///" + str(Path(instance_path) / "qisu.db")
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY", "dev-only-change-me"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", default_db),
        "QISU_WORKFLOWS_DIR": os.environ.get("QISU_WORKFLOWS_DIR", str(ROOT / "workflows")),
        "QISU_AUTO_DEPLOY": _bool("QISU_AUTO_DEPLOY", True),
        "QISU_MAX_DISSATISFIED_ROUNDS": _int("QISU_MAX_DISSATISFIED_ROUNDS", 2),
        # Lifetime of a bearer token and of a browser session (hours; fractions allowed: 0.5)
        "QISU_TOKEN_TTL_HOURS": os.environ.get("QISU_TOKEN_TTL_HOURS") or 12,
        # Hours the enterprise has to rate before the revisit (P11); fractions allowed: 0.5
        "QISU_RATING_TIMEOUT_HOURS": os.environ.get("QISU_RATING_TIMEOUT_HOURS") or 72,
        # P5: how far a contact time may lie in the future (the clock skew of people's devices)
        "QISU_CONTACT_SKEW_MINUTES": os.environ.get("QISU_CONTACT_SKEW_MINUTES") or 5,
        "QISU_WORK_HOURS": os.environ.get("QISU_WORK_HOURS", "09:00-12:00,13:30-18:00"),
        "QISU_TIMER_POLL_SECONDS": float(os.environ.get("QISU_TIMER_POLL_SECONDS", "1.0")),
        "QISU_MESSAGE_SENDER": os.environ.get("QISU_MESSAGE_SENDER", "log"),
        "QISU_SPEC_CACHE_SIZE": _int("QISU_SPEC_CACHE_SIZE", 32),
        # Live workflows kept per process after a command, for the case's next step (0: off).
        "QISU_WORKFLOW_CACHE_SIZE": _int("QISU_WORKFLOW_CACHE_SIZE", 0),
        "MAX_CONTENT_LENGTH": _int("QISU_MAX_CONTENT_LENGTH", 2 * 1024 * 1024),
        # Deepest nesting a JSON request body may have (deeper: 400)
        "QISU_JSON_MAX_DEPTH": _int("QISU_JSON_MAX_DEPTH", 64),
        # P18 common problems and surge alerts (docs/insight.md "Common problems and surge alerts")
        "QISU_COMMON_PROBLEMS_MAX_TEXTS": _int("QISU_COMMON_PROBLEMS_MAX_TEXTS", 10_000),
        "QISU_COMMON_PROBLEMS_SIMILARITY": _float("QISU_COMMON_PROBLEMS_SIMILARITY", 0.25),
        "QISU_COMMON_PROBLEMS_MIN_ENTERPRISES": _int("QISU_COMMON_PROBLEMS_MIN_ENTERPRISES", 2),
        "QISU_SURGE_WINDOW_DAYS": _int("QISU_SURGE_WINDOW_DAYS", 3),
        "QISU_SURGE_BASELINE_DAYS": _int("QISU_SURGE_BASELINE_DAYS", 28),
        "QISU_SURGE_MAX_P": _float("QISU_SURGE_MAX_P", 0.001),
        "QISU_SURGE_MIN_COUNT": _int("QISU_SURGE_MIN_COUNT", 5),
        "QISU_SURGE_MIN_RATIO": _float("QISU_SURGE_MIN_RATIO", 2.0),
        "QISU_SURGE_MIN_EXPECTED": _float("QISU_SURGE_MIN_EXPECTED", 1.0),
        # P18 key figures from the rollup table (False: straight from `cases`, the reference)
        "QISU_INSIGHT_ROLLUP": _bool("QISU_INSIGHT_ROLLUP", True),
        "QISU_SURGE_COOLDOWN_DAYS": _int("QISU_SURGE_COOLDOWN_DAYS", 3),
        "QISU_SURGE_INTERVAL_MINUTES": _int("QISU_SURGE_INTERVAL_MINUTES", 60),
        # Issue 19 §5: a designer's deploy needs a passed policy check of the same bundle
        # (docs/processes.md "Policy check before deploy"); QISU_POLICY_RULES ("P5,P12") limits
        # the check to some rules — for tests and quick local loops, never in production.
        "QISU_POLICY_GATE": _bool("QISU_POLICY_GATE", True),
        "QISU_POLICY_RULES": os.environ.get("QISU_POLICY_RULES") or None,
        "JSON_AS_ASCII": False,
        "QISU_OPEN311_JURISDICTION": os.environ.get("QISU_OPEN311_JURISDICTION") or None,
        # Running in production (docs/operations.md "Running in production").
        "QISU_METRICS_TOKEN": os.environ.get("QISU_METRICS_TOKEN") or None,
        "QISU_SECURE_COOKIES": _bool("QISU_SECURE_COOKIES", False),
        # Strict-Transport-Security max-age when QISU_SECURE_COOKIES is on (0: no HSTS header)
        "QISU_HSTS_SECONDS": _int("QISU_HSTS_SECONDS", 31_536_000),
        "QISU_TRUSTED_PROXIES": _int("QISU_TRUSTED_PROXIES", 0),
        "QISU_RATELIMIT_STORAGE": os.environ.get("QISU_RATELIMIT_STORAGE", "database"),
        "QISU_LOGIN_MAX_FAILURES": _int("QISU_LOGIN_MAX_FAILURES", 5),
        "QISU_LOGIN_WINDOW_MINUTES": _int("QISU_LOGIN_WINDOW_MINUTES", 15),
        "QISU_IDEMPOTENCY_TTL_HOURS": _int("QISU_IDEMPOTENCY_TTL_HOURS", 24),
        # Issue 17: CPU seconds and megabytes each script/expression evaluation may use
        "QISU_SCRIPT_CPU_SECONDS": _float("QISU_SCRIPT_CPU_SECONDS", 1.0),
        "QISU_SCRIPT_MEMORY_MB": _float("QISU_SCRIPT_MEMORY_MB", 64.0),
    }
