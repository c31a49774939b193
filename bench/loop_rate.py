#!/usr/bin/env python
"""Loop rate: how many complete dual-loop cases per second, raw engine vs. the QiSu service.

    .venv/bin/python bench/loop_rate.py [--cases N] [--warmup W] [--pg-url URL]

The loop (one case) is the complaint that goes round once dissatisfied:

    submit → dispatch → sign → contact → propose → reply → rate 不满意
           → supervise → sign → contact → propose → reply → rate 满意 → closed

(a) raw engine: plain SpiffWorkflow in-process. The workflows/ directory is parsed once with
    SpiffBpmnParser; a plain PythonScriptEngine subclass answers the service tasks with the same
    JSON shapes as the app's actions (app/services/actions/ and sla.py: start_clocks gives six
    ISO datetimes computed from real UTC now, await_rating a due time, and so on); the start
    seeds the same process variables as app/services/intake.process_variables; SpiffWorkflow's
    own timer definitions (real time, not the app clock) evaluate the boundary timers; form data
    is validated against the form JSON Schemas (and defaults applied) like the service does;
    after every step the workflow is serialized with SpiffWorkflow's standard
    BpmnWorkflowSerializer (spiff config, specs included) and it is deserialized again before
    the next step — what any engine persisted as a string must do.
(b) service: the same loop through the HTTP API (Flask test client, JSON bodies, bearer tokens,
    driven by tests/support.py's ApiClient exactly like tests/api/test_dual_loop.py), on a fresh
    migrated + seeded + deployed SQLite file and, with --pg-url, on PostgreSQL: like
    tests/conftest.py, a private database created on that server for the run and dropped after
    it (if CREATE DATABASE is refused, schema public of --pg-url is dropped and recreated).
(c) service rate / raw engine rate for each database, and the target check
    "service ≥ 35% of the raw engine rate on PostgreSQL".

No timing assertions: the script only measures and prints.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from raw_engine import (DEFAULT_PG_URL, DISPATCH, FAST_HASH, SUPERVISE,  # noqa: E402
                        TARGET_RATIO, _timed, measure_raw, unit_steps)

# --------------------------------------------------------------------------------------------
# (b) the service through HTTP
# --------------------------------------------------------------------------------------------

_KINDS = ((re.compile(r"^/api/tasks$"), "GET", "GET  /api/tasks"),
          (re.compile(r"^/api/tasks/[^/]+/complete$"), "POST", "POST /api/tasks/<id>/complete"),
          (re.compile(r"^/api/cases$"), "POST", "POST /api/cases"),
          (re.compile(r"^/api/cases/[^/]+/rating$"), "POST", "POST /api/cases/<no>/rating"))


def _kind(method: str, path: str) -> str:
    for pattern, verb, label in _KINDS:
        if verb == method and pattern.match(path):
            return label
    return f"{method} {path}"


class TimedClient:
    """Wraps the Flask test client: counts and times every request."""

    def __init__(self, client):
        self._client = client
        self.reset()

    def reset(self):
        self.count = 0
        self.seconds = 0.0
        self.by_kind = defaultdict(lambda: [0, 0.0])

    def _call(self, method, url, **kwargs):
        start = time.perf_counter()
        raw = getattr(self._client, method.lower())(url, **kwargs)
        elapsed = time.perf_counter() - start
        self.count += 1
        self.seconds += elapsed
        slot = self.by_kind[_kind(method, url.split("?")[0])]
        slot[0] += 1
        slot[1] += elapsed
        return raw

    def get(self, url, **kwargs):
        return self._call("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self._call("POST", url, **kwargs)


def _check(condition: bool, what) -> None:
    if not condition:
        raise RuntimeError(f"service loop went wrong: {what}")


def drive_case(api, list_tasks: bool = False) -> None:
    """tests/api/test_dual_loop.py's loop through tests/support.py's ApiClient.

    By default the client does what a UI does: every response carries the case's open tasks,
    so the next task id comes from the previous answer. With `list_tasks` it looks each task up
    with GET /api/tasks first (one more request per step)."""
    case = api.submit(domain="城市管理", town="")
    number = case["number"]

    def step(user, name, data):
        nonlocal case
        client = api.as_(user)
        if list_tasks:
            response = client.complete(number, name, data)
        else:
            task = next(t for t in case["open_tasks"] if t["name"] == name)
            response = client.post(f"/api/tasks/{task['id']}/complete", json={"data": data})
        _check(response.status == 200, response)
        case = response.json
        return case

    def handle():
        for name, data in unit_steps():
            step("spec_cgj", name, data)

    step("dispatcher1", "dispatch", DISPATCH)
    handle()
    response = api.rate(number, "不满意")
    _check(response.status == 200 and response.json["status"] == "supervising", response)
    # The enterprise's answer is its P17 view, without open tasks: the supervisor reads the case.
    case = api.as_("supervisor1").get(f"/api/cases/{number}").json
    step("supervisor1", "supervise", SUPERVISE)
    handle()
    response = api.rate(number, "满意")
    _check(response.status == 200 and response.json["status"] == "closed"
           and response.json["dissatisfied_rounds"] == 1, response)


def reset_postgres(url: str) -> None:
    """Drop and recreate schema public of the database at `url`."""
    from sqlalchemy import create_engine, text
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@contextmanager
def fresh_postgres(url: str):
    """A fresh, empty PostgreSQL database for one run.

    Like tests/conftest.py: a private database `qisu_bench_<pid>_<hex>` on the same server,
    dropped afterwards, so the run never touches the rows of anyone else using `url`. Where
    CREATE DATABASE is not allowed, schema public of `url` itself is dropped and recreated.
    Yields (url to use, how it was prepared).
    """
    from sqlalchemy import create_engine, make_url, text
    from sqlalchemy.exc import DBAPIError

    base = make_url(url)
    name = f"qisu_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except DBAPIError:
        admin.dispose()
        reset_postgres(url)
        yield url, f"schema public of {base.database} dropped and recreated"
        return
    try:
        yield (base.set(database=name).render_as_string(hide_password=False),
               f"private database {name} on {base.host}:{base.port}, dropped afterwards")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrate(url: str) -> None:
    from alembic import command

    from app.db.migrations import alembic_config
    config = alembic_config(url)
    config.attributes["skip_logging"] = True
    command.upgrade(config, "head")


def build_app(url: str):
    """Like tests/conftest.py: migrated, seeded with a fast hash, workflows deployed."""
    from app import create_app
    from app.services.deployments import deploy_directory
    from app.demo.seed import seed_demo

    migrate(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "QISU_AUTO_DEPLOY": False,
                      "SECRET_KEY": "bench"})
    rt = app.extensions["qisu"]
    seed_demo(rt, password_method=FAST_HASH)
    deploy_directory(rt, app.config["QISU_WORKFLOWS_DIR"])
    return app


def make_api(app):
    from tests.support import ApiClient
    api = ApiClient(app, {})
    api.client = TimedClient(api.client)
    return api


USERS = ("agent1", "dispatcher1", "spec_cgj", "ent2", "supervisor1")


def measure_service(url: str, cases: int, warmup: int, list_tasks: bool = False) -> dict:
    app = build_app(url)
    try:
        api = make_api(app)
        for user in USERS:  # log in once; tokens are cached like the suite's token_cache
            api.token(user)
        for _ in range(warmup):
            drive_case(api, list_tasks)
        api.client.reset()
        cpu_before, pg_before = app_cpu_now(), backend_cpu(app)
        elapsed, per_case = _timed(cases, lambda _i: drive_case(api, list_tasks))
        (app_cpu, evaluator_cpu), pg_cpu = app_cpu_now(cpu_before), backend_cpu(app) - pg_before
        client = api.client
        steps = cases * STEPS_PER_CASE
        return {"rate": cases / elapsed, "ms_per_case": 1000 * elapsed / cases, "spread": per_case,
                "cpu_app_ms": 1000 * app_cpu / steps, "cpu_db_ms": 1000 * pg_cpu / steps,
                "cpu_evaluators_ms": 1000 * evaluator_cpu / steps,
                "requests_per_case": client.count / cases,
                "ms_per_request": 1000 * client.seconds / client.count,
                "by_kind": {k: (n / cases, 1000 * s / n) for k, (n, s) in client.by_kind.items()}}
    finally:
        app.extensions["qisu"].session_factory.kw["bind"].dispose()


STEPS_PER_CASE = 13  # intake, 10 task completions, 2 ratings


def app_cpu_now(before: tuple | None = None):
    """This process's CPU seconds and its evaluator processes' (the designers' scripts run in
    them, app/engine/sandbox_pool.py); with `before`, the seconds used since."""
    from load_observe import children_cpu
    now = (time.process_time(), children_cpu(os.getpid()))
    if before is None:
        return now
    evaluators = sum(max(0.0, cpu - before[1].get(pid, 0.0)) for pid, cpu in now[1].items())
    return now[0] - before[0] + evaluators, evaluators


def backend_cpu(app) -> float:
    """CPU seconds of the PostgreSQL backends serving this app's database (Linux /proc; the
    server runs on this machine); 0 on SQLite, whose work is in this process's own CPU time."""
    from load_observe import _cpu
    engine = app.extensions["qisu"].session_factory.kw["bind"]
    if engine.dialect.name != "postgresql":
        return 0.0
    with engine.connect() as conn:
        pids = [row[0] for row in conn.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")]
    return sum(_cpu(pid) for pid in pids)


def postgres_unavailable(url: str) -> str | None:
    try:
        from sqlalchemy import create_engine, text
        engine = create_engine(url, connect_args={"connect_timeout": 5})
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception as err:  # noqa: BLE001 - any reason is reported, not raised
        return f"{type(err).__name__}: {str(err).strip().splitlines()[0]}"
    return None


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------

def _versions() -> str:
    from importlib.metadata import version
    parts = [f"Python {platform.python_version()}"]
    for dist in ("SpiffWorkflow", "SQLAlchemy", "Flask", "psycopg"):
        try:
            parts.append(f"{dist} {version(dist)}")
        except Exception:  # noqa: BLE001
            pass
    return ", ".join(parts)


def _service_lines(label: str, result: dict) -> list[str]:
    lines = [f"(b) service via HTTP, {label}: {result['rate']:.2f} cases/s "
             f"({result['ms_per_case']:.1f} ms/case); {result['requests_per_case']:.0f} HTTP requests/case, "
             f"mean {result['ms_per_request']:.2f} ms/request",
             f"      CPU per step (user+system, {STEPS_PER_CASE} steps a case): app {result['cpu_app_ms']:.1f} ms"
             f" (evaluator processes {result['cpu_evaluators_ms']:.1f})"
             f" + database {result['cpu_db_ms']:.1f} ms = {result['cpu_app_ms'] + result['cpu_db_ms']:.1f} ms",
             f"      per case: {result['spread']}"]
    for kind, (per_case, ms) in sorted(result["by_kind"].items(), key=lambda kv: -kv[1][0] * kv[1][1]):
        lines.append(f"      {kind:<32} {per_case:4.0f}/case  mean {ms:6.2f} ms  "
                     f"= {per_case * ms:6.1f} ms/case")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=30, help="timed cases per run (default 30)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed warm-up cases (default 2)")
    parser.add_argument("--pg-url", default=None,
                        help=f"PostgreSQL server to use, e.g. {DEFAULT_PG_URL}; the run creates and "
                             "drops a private database there (or resets schema public if it may not)")
    parser.add_argument("--list-tasks", action="store_true",
                        help="look every task up with GET /api/tasks before completing it")
    args = parser.parse_args(argv)
    import logging
    logging.disable(logging.INFO)  # the app logs at INFO; keep the output pasteable

    out = print
    out(f"QiSu loop rate — {args.cases} timed cases per run after {args.warmup} warm-up; {_versions()}")
    out("client: " + ("looks each task up with GET /api/tasks" if args.list_tasks else
                      "takes the next task id from the previous response's open_tasks"))
    out("loop: submit → dispatch → sign/contact/propose/reply → rate 不满意 → supervise → "
        "sign/contact/propose/reply → rate 满意 → closed")

    raw = measure_raw(args.cases, args.warmup)
    out(f"(a) raw engine (SpiffWorkflow, full serializer with specs, deserialize+serialize per step): "
        f"{raw['rate']:.2f} cases/s ({raw['ms_per_case']:.1f} ms/case; start + {raw['steps']} "
        f"user-task steps; final state {raw['state_bytes'] / 1024:.0f} KiB)")
    out(f"      per case: {raw['spread']}")

    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="qisu-bench-") as tmp:
        sqlite_url = "sqlite:///" + str(Path(tmp) / "bench.db")
        results["SQLite"] = measure_service(sqlite_url, args.cases, args.warmup, args.list_tasks)
    for line in _service_lines("SQLite", results["SQLite"]):
        out(line)
    out("      database: fresh temporary SQLite file; migrated, seeded, deployed")

    if args.pg_url:
        reason = postgres_unavailable(args.pg_url)
        if reason is None:
            with fresh_postgres(args.pg_url) as (pg_url, how):
                results["PostgreSQL"] = measure_service(pg_url, args.cases, args.warmup,
                                                       args.list_tasks)
            for line in _service_lines("PostgreSQL", results["PostgreSQL"]):
                out(line)
            out(f"      database: {how}; migrated, seeded, deployed")
        else:
            out(f"PostgreSQL skipped: {reason}")
    else:
        out("PostgreSQL skipped: no --pg-url given")

    raw_step_ms = raw["ms_per_case"] / STEPS_PER_CASE  # one process, CPU-bound: wall ≈ CPU
    for label, result in results.items():
        out(f"(c) ratio service/raw, {label}: {result['rate'] / raw['rate']:.1%}")
        cpu = result["cpu_app_ms"] + result["cpu_db_ms"]
        out(f"(d) CPU per step service ÷ raw engine per step, {label}: {cpu:.1f} / "
            f"{raw_step_ms:.1f} ms = {cpu / raw_step_ms:.2f} (machine-independent; the raw "
            "engine's step is this machine's yardstick)")
    if "PostgreSQL" in results:
        ratio = results["PostgreSQL"]["rate"] / raw["rate"]
        verdict = "MET" if ratio >= TARGET_RATIO else "NOT MET"
        out(f"target service ≥ {TARGET_RATIO:.0%} of raw engine rate on PostgreSQL: {verdict} "
            f"({ratio:.1%})")
    else:
        out(f"target service ≥ {TARGET_RATIO:.0%} of raw engine rate on PostgreSQL: not measured")
    return 0


if __name__ == "__main__":
    sys.exit(main())
