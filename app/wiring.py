"""Compose the runtime (database, engine, spec cache, clock) from configuration."""
from __future__ import annotations

import logging
import threading

from .clock import SystemClock
from .config import positive_number
from .domain.errors import Conflict
from .db.migrations import schema_is_current
from .db.session import make_engine, make_session_factory
from .engine.runner import WorkflowRunner
from .engine.sandbox_pool import SandboxLimits
from .domain.work_calendar import WorkCalendar, parse_hours
from .services.actions import ACTIONS
from .services.runtime import Runtime, SpecCache, WorkflowCache

log = logging.getLogger(__name__)


def build_runtime(config, clock=None) -> Runtime:
    engine = make_engine(config["DATABASE_URL"])
    return Runtime(
        session_factory=make_session_factory(engine),
        runner=WorkflowRunner(ACTIONS, limits=sandbox_limits(config)),
        specs=SpecCache(config["QISU_SPEC_CACHE_SIZE"]),
        workflows=WorkflowCache(config["QISU_WORKFLOW_CACHE_SIZE"]),
        clock=clock or SystemClock(),
        settings={"max_dissatisfied_rounds": config["QISU_MAX_DISSATISFIED_ROUNDS"],
                  "token_ttl_hours": positive_number(config, "QISU_TOKEN_TTL_HOURS"),
                  "rating_timeout_hours": positive_number(config, "QISU_RATING_TIMEOUT_HOURS"),
                  "contact_skew_minutes": positive_number(config, "QISU_CONTACT_SKEW_MINUTES",
                                                          allow_zero=True),
                  "idempotency_ttl_hours": config.get("QISU_IDEMPOTENCY_TTL_HOURS", 24),
                  "calendar": WorkCalendar(parse_hours(config["QISU_WORK_HOURS"])),
                  **insight_settings(config), **policy_settings(config)})


def policy_settings(config) -> dict:
    """Issue 19 §5: whether a deploy needs a passed policy check, and which rules it runs."""
    from .services.policy.runner import normalize_rules
    return {"policy_gate": config.get("QISU_POLICY_GATE", True),
            "policy_rules": normalize_rules(config.get("QISU_POLICY_RULES"))}


def sandbox_limits(config) -> SandboxLimits:
    """Issue 17: the CPU and memory allowance of each script or expression evaluation."""
    return SandboxLimits(positive_number(config, "QISU_SCRIPT_CPU_SECONDS"),
                         positive_number(config, "QISU_SCRIPT_MEMORY_MB"))


def insight_settings(config) -> dict:
    """P18 thresholds of the common problems and the surge alerts, from QISU_* settings."""
    return {
        "common_problems": {"max_texts": config["QISU_COMMON_PROBLEMS_MAX_TEXTS"],
                            "similarity": config["QISU_COMMON_PROBLEMS_SIMILARITY"],
                            "min_enterprises": config["QISU_COMMON_PROBLEMS_MIN_ENTERPRISES"]},
        "surges": {"window_days": config["QISU_SURGE_WINDOW_DAYS"],
                   "baseline_days": config["QISU_SURGE_BASELINE_DAYS"],
                   "max_p": config["QISU_SURGE_MAX_P"], "min_count": config["QISU_SURGE_MIN_COUNT"],
                   "min_ratio": config["QISU_SURGE_MIN_RATIO"],
                   "min_expected": config["QISU_SURGE_MIN_EXPECTED"],
                   "cooldown_days": config["QISU_SURGE_COOLDOWN_DAYS"]},
        "surge_interval_minutes": config["QISU_SURGE_INTERVAL_MINUTES"],
        "insight_rollup": config.get("QISU_INSIGHT_ROLLUP", True),
    }


def auto_deploy(app) -> None:
    """Deploy changed workflow files on start-up (when the schema exists)."""
    from .services.deployments import deploy_directory
    rt = app.extensions["qisu"]
    bind = rt.session_factory.kw["bind"]
    if not schema_is_current(bind):
        log.warning("database schema is not at the newest migration; run `flask qisu migrate`")
        return
    try:
        deployment, created = deploy_directory(rt, app.config["QISU_WORKFLOWS_DIR"])
    except Conflict:  # another process deployed the same files at the same moment
        deployment, created = deploy_directory(rt, app.config["QISU_WORKFLOWS_DIR"])
    if created:
        log.info("deployed workflows as deployment %s", deployment.id)


def warm_routing_model(rt) -> threading.Thread:
    """Loads the active domain classifier in the background, so that the first demand of a new
    server process does not wait seconds for it (`QISU_WARM_ROUTING=1`: `make run`, serve-prod)."""
    def warm() -> None:
        from .services.routing import model_versions
        try:
            version = model_versions.warm_up(rt)
        except Exception:  # a missing table or a broken model: the first request will say so
            log.exception("routing model warm-up failed")
        else:
            if version is not None:
                log.info("routing model %s loaded", version)
    thread = threading.Thread(target=warm, name="qisu-routing-warm-up", daemon=True)
    thread.start()
    return thread
