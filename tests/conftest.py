"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL is set."""
from __future__ import annotations

import os
import uuid
from datetime import datetime

import pytest
from sqlalchemy import create_engine, delete, make_url, text, update

from app import create_app
from app.clock import FixedClock
from app.db import models, models_policy
from app.services.deployments import deploy_directory
from app.demo.seed import seed_demo
from tests.support import ApiClient

pytest_plugins = ["tests.shared_training"]  # one trained routing classifier per session

# 2026-11-23 10:00 Asia/Shanghai, stored as naive UTC.
START = datetime(2026, 11, 23, 2, 0, 0)
FAST_HASH = "pbkdf2:sha256:1000"  # demo passwords only; keeps the suite fast
CASE_TABLES = (models_policy.PolicyCheck, models_policy.DesignEvent, models.Timer, models.SlaClock, models.OutboxMessage, models.AuditEvent, models.RoutingAudit,
               models.HumanTask, models.WorkflowState,
               models.Case, models.CaseCounter, models.RoutingModel, models.SurgeAlert,
               models.IdempotencyKey, models.ApiKey)


SLOW_DIRS = {"fuzz": "slow"}  # whole directories: their marker (tests/e2e: browser, see below)
# Modules that start processes or fill thousands of rows: benchmark smoke runs, `flask` start-up,
# worker processes, the rollup against its reference over generated history.
SLOW_MODULES = {"tests/unit/test_bench_smoke.py", "tests/unit/test_bench_loop_smoke.py",
                "tests/unit/test_startup.py", "tests/integration/test_timer_workers.py",
                "tests/integration/test_insight_rollup.py", "tests/ops/test_bench_pg_smoke.py"}


def pytest_collection_modifyitems(items):
    """Markers by place: tests/e2e/ drive a browser; tests/fuzz/ is long by design. `make
    test-fast` leaves out `slow`, `browser` and `training` tests (pyproject.toml registers them)."""
    for item in items:
        parts = item.nodeid.split("/")
        if len(parts) > 1 and parts[0] == "tests":
            if parts[1] == "e2e":
                item.add_marker(pytest.mark.browser)
            elif parts[1] in SLOW_DIRS:
                item.add_marker(getattr(pytest.mark, SLOW_DIRS[parts[1]]))
            if item.nodeid.split("::")[0] in SLOW_MODULES:
                item.add_marker(pytest.mark.slow)


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "qisu-test.db")


def _private_database(url: str):
    """On PostgreSQL, each test session gets a database of its own (dropped at the end),
    so concurrent runs against one server never see each other's rows."""
    base = make_url(url)
    name = f"qisu_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()

    def drop() -> None:
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False), drop


def migrate(url: str) -> None:
    from alembic import command

    from app.db.migrations import alembic_config
    config = alembic_config(url)
    config.attributes["skip_logging"] = True
    command.upgrade(config, "head")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = _database_url(tmp_path_factory)
    drop = None
    if url.startswith("postgresql"):
        url, drop = _private_database(url)
    migrate(url)
    yield url
    if drop is not None:
        drop()


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "QISU_AUTO_DEPLOY": False,
                      "SECRET_KEY": "test",
                      # Deploys in tests need no policy check; tests/policy turns the gate on.
                      "QISU_POLICY_GATE": False,
                      # Scenarios move the clock by days; session-wide tokens must outlive them.
                      "QISU_TOKEN_TTL_HOURS": 24 * 365})
    rt = app.extensions["qisu"]
    rt.clock = FixedClock(START)
    seed_demo(rt, password_method=FAST_HASH)
    deployment, _ = deploy_directory(rt, app.config["QISU_WORKFLOWS_DIR"])
    app.config["BASE_DEPLOYMENT_ID"] = deployment.id
    return app


@pytest.fixture
def rt(app):
    return app.extensions["qisu"]


@pytest.fixture(autouse=True)
def _clean(request):
    """Each test starts with no cases, the base deployment and the clock at START."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    rt = app.extensions["qisu"]
    rt.clock = FixedClock(START)
    app.extensions["qisu_login_limiter"].reset()
    base = app.config["BASE_DEPLOYMENT_ID"]
    # Deployments are immutable in production; tests delete theirs, and SQLite reuses ids.
    rt.specs.clear()
    with rt.uow() as uow:
        for model in CASE_TABLES:
            uow.session.execute(delete(model))
        uow.session.execute(delete(models.Deployment).where(models.Deployment.id != base))
        uow.session.execute(update(models.Deployment).values(generation=None))  # base is current again
        uow.session.commit()


@pytest.fixture(scope="session")
def token_cache():
    return {}


@pytest.fixture
def api(app, token_cache):
    return ApiClient(app, token_cache)
