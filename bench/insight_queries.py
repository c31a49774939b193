"""P18 benchmark: every insight dashboard query on 1,000,000 synthetic cases in PostgreSQL.

    make bench-insight            # or: .venv/bin/python bench/insight_queries.py [--cases N]

Uses its own database `qisu_bench_insight` on the server of --pg-url (created, migrated and
seeded when missing; kept between runs so the generated history is reused; --fresh drops it).
Each query runs once "cold" (first call on a new connection pool, so no plan or catalogue cache
in the backend; the server's shared buffers and the OS page cache may still hold the table)
and then --repeat times warm, both from the rollup (`insight_rollup`, the default) and straight
from `cases` (the reference, setting `insight_rollup` False; --no-reference skips it). Prints one
row per query and filter set, the max, whether each is under 1 s, the dashboard page (both
ways), the cost of the rollup trigger per case update and, with --rebuild, the rebuild time.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from serving import pg_database  # noqa: E402  (bench/ is sys.path[0] when run as a script)

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
LIMIT_S = 1.0


def build_app(url: str):
    from alembic import command

    from app import create_app
    from app.db.migrations import alembic_config
    from app.services.deployments import deploy_directory
    from app.demo.seed import seed_demo
    config = alembic_config(url)
    config.attributes["skip_logging"] = True
    command.upgrade(config, "head")
    app = create_app({"TESTING": True, "DATABASE_URL": url, "QISU_AUTO_DEPLOY": False,
                      "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    rt = app.extensions["qisu"]
    seed_demo(rt, password_method="pbkdf2:sha256:1000")
    deploy_directory(rt, app.config["QISU_WORKFLOWS_DIR"])
    return app


def ensure_history(app, cases: int, days: int) -> str:
    from sqlalchemy import func, select, text

    from app.db.models import Case
    from app.demo.history import generate
    rt = app.extensions["qisu"]
    with rt.uow() as uow:
        have = uow.session.scalar(select(func.count()).select_from(Case)
                                  .where(Case.number.like("LS%")))
    if have >= cases:
        return f"reused {have:,} generated cases"
    result = generate(rt, cases - have, days=days, seed=have,
                      workflows_dir=app.config["QISU_WORKFLOWS_DIR"],
                      echo=lambda m: print(m, file=sys.stderr) if m.endswith("00,000 cases") else None)
    engine = rt.session_factory.kw["bind"]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        started = time.perf_counter()
        conn.execute(text("VACUUM ANALYZE cases"))
        vacuum = time.perf_counter() - started
    return (f"generated {result['cases']:,} cases in {result['seconds']} s "
            f"({result['cases'] / result['seconds']:,.0f}/s), VACUUM ANALYZE {vacuum:.1f} s")


def filter_sets(today):
    from app.services.insight.filters import Filters
    last30 = dict(date_from=today - timedelta(days=29), date_to=today)
    return [
        ("all time", Filters()),
        ("last 30 days", Filters(**last30)),
        ("all time, 小榄镇 投诉", Filters(town="小榄镇", kind="投诉")),
        ("last 30 days, unit rsj, phone", Filters(unit="rsj", channel="phone", **last30)),
        ("last 30 days, red list, 市场监管", Filters(red_list=True, domain="市场监管", **last30)),
    ]


def queries(rt):
    from app.services.insight import breakdowns, hotspots, metrics
    return [("metrics", metrics.metrics), ("trend", breakdowns.trend), ("units", breakdowns.units),
            ("hotspots", hotspots.hotspots), ("towns", breakdowns.towns)]


def measure(rt, engine, query, filters, repeat: int) -> tuple[float, float, float]:
    """(cold, warm median, warm max) seconds of the query without the answer cache."""
    engine.dispose()  # cold: new connections, empty backend caches
    cold = timed(lambda: query.uncached(rt, filters))
    warm = [timed(lambda: query.uncached(rt, filters)) for _ in range(repeat)]
    return cold, statistics.median(warm), max(warm)


def trigger_cost(engine, cases: int = 2000) -> tuple[float, float]:
    """Milliseconds per case UPDATE that changes a counted column, with and without the rollup
    trigger (in a transaction that is rolled back)."""
    from sqlalchemy import text
    out = []
    for enabled in (True, False):
        with engine.connect() as conn:
            with conn.begin() as tx:
                if not enabled:
                    conn.execute(text("ALTER TABLE cases DISABLE TRIGGER insight_rollup_cases"))
                ids = conn.execute(text("SELECT id FROM cases ORDER BY random() LIMIT :n"),
                                   {"n": cases}).scalars().all()
                started = time.perf_counter()
                for case_id in ids:
                    conn.execute(text("UPDATE cases SET extensions_count = extensions_count + 1 "
                                      "WHERE id = :id"), {"id": case_id})
                out.append((time.perf_counter() - started) / cases * 1000)
                tx.rollback()
    return out[0], out[1]


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default=os.environ.get("QISU_BENCH_PG", DEFAULT_SERVER),
                        help="a database on the PostgreSQL server to use (default %(default)s)")
    parser.add_argument("--database", default="qisu_bench_insight")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="drop and regenerate the database")
    parser.add_argument("--no-reference", dest="reference", action="store_false",
                        help="skip the direct queries over cases (setting insight_rollup False)")
    parser.add_argument("--rebuild", action="store_true",
                        help="time `flask qisu insight rebuild-rollup` first")
    args = parser.parse_args()

    url = pg_database(args.pg_url, args.database, args.fresh)
    app = build_app(url)
    history = ensure_history(app, args.cases, args.days)
    rt = app.extensions["qisu"]
    engine = rt.session_factory.kw["bind"]
    rebuilt = rebuild(rt) if args.rebuild else None
    today = rt.clock.now().date()
    rows = []
    for label, filters in filter_sets(today):
        for name, query in queries(rt):
            rt.settings["insight_rollup"] = True
            fast = measure(rt, engine, query, filters, args.repeat)
            query(rt, filters)  # fills the answer cache
            hit = statistics.median(timed(lambda: query(rt, filters)) for _ in range(args.repeat))
            slow = None
            if args.reference:
                rt.settings["insight_rollup"] = False
                slow = measure(rt, engine, query, filters, args.repeat)
            rows.append((name, label, fast, slow, hit))
    rt.settings["insight_rollup"] = True
    pages = [("rollup", dashboard_page(app, today, True))]
    if args.reference:
        pages.append(("reference", dashboard_page(app, today, False)))
    rt.settings["insight_rollup"] = True
    with_trigger, without = trigger_cost(engine)

    print(f"# P18 insight queries — {args.cases:,} cases, PostgreSQL ({args.database})")
    print(f"# {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"# data: {history}; rollup: {rollup_size(engine)}")
    if rebuilt:
        print(f"# flask qisu insight rebuild-rollup: {rebuilt}")
    print(f"{'query':<9} {'filters':<32} {'cold ms':>7} {'warm med':>8} {'warm max':>8} "
          f"{'cached':>6} | {'ref cold':>8} {'ref warm':>8}  < 1 s")
    for name, label, (cold, med, top), slow, hit in rows:
        ok = "yes" if max(cold, top) < LIMIT_S else "NO"
        ref = f"{slow[0] * 1000:8.0f} {slow[1] * 1000:8.0f}" if slow else f"{'-':>8} {'-':>8}"
        print(f"{name:<9} {label:<32} {cold * 1000:7.0f} {med * 1000:8.0f} {top * 1000:8.0f} "
              f"{hit * 1000:6.1f} | {ref}  {ok}")
    worst = max(rows, key=lambda r: max(r[2][0], r[2][2]))
    print(f"max (rollup): {max(worst[2][0], worst[2][2]) * 1000:.0f} ms ({worst[0]}, {worst[1]}); "
          f"all under 1 s: {'yes' if all(max(r[2][0], r[2][2]) < LIMIT_S for r in rows) else 'NO'}")
    if args.reference:
        worst = max(rows, key=lambda r: max(r[3][0], r[3][2]))
        print(f"max (reference, straight from cases): {max(worst[3][0], worst[3][2]) * 1000:.0f} ms "
              f"({worst[0]}, {worst[1]})")
    print(f"# load average while measuring: {os.getloadavg()}")
    print("# cold/warm: the query itself (answer cache bypassed); cached: a repeat answered from "
          "the answer cache (invalidated by any write); ref: the same query straight from cases")
    for way, page in pages:
        for label, seconds in page:
            print(f"dashboard page /insight, {way} ({label}): {seconds * 1000:.0f} ms")
    print(f"rollup trigger: {with_trigger:.2f} ms per case UPDATE with it, {without:.2f} ms "
          f"without (+{with_trigger - without:.2f} ms)")


def rebuild(rt) -> str:
    from app.services.insight.rollup import rebuild as run
    started = time.perf_counter()
    result = run(rt)
    return f"{result['rows']:,} rows in {time.perf_counter() - started:.1f} s"


def rollup_size(engine) -> str:
    from sqlalchemy import text
    with engine.connect() as conn:
        days, months, size = conn.execute(text(
            "SELECT count(*) FILTER (WHERE grain = 'd'), count(*) FILTER (WHERE grain = 'm'), "
            "pg_size_pretty(pg_total_relation_size('insight_rollup')) FROM insight_rollup")).one()
    return f"{days:,} day rows, {months:,} month rows, {size}"


def dashboard_page(app, today, use_rollup: bool):
    """The page with every section, and its common-problems fragment (loaded by htmx)."""
    client = app.test_client()
    client.post("/login", data={"username": "leader1", "password": "qisu-leader1"})
    out = []
    rt = app.extensions["qisu"]
    rt.settings["insight_rollup"] = use_rollup
    client.get("/insight?unit=none")  # warm-up: templates, connections (matches no case)
    rt.insight_cache.clear()
    for label, query in (("default: last 30 days", ""), ("all time", "?from=&to=&all=1")):
        started = time.perf_counter()
        response = client.get(f"/insight{query}")
        out.append((f"{label}, HTTP {response.status_code}", time.perf_counter() - started))
    started = time.perf_counter()
    client.get("/insight")
    out.append(("default again, from the answer cache", time.perf_counter() - started))
    # The common-problems fragment does not use the rollup. Under gunicorn each worker loads
    # jieba's dictionary at start (gunicorn.conf.py post_worker_init); do the same here.
    from app.services.signals.common_problems import clear_cache
    from app.services.signals.group_keywords import words_of
    _gunicorn_hooks().post_worker_init(None)
    for label, query in (("last 30 days", ""), ("all time", "?from=&to=&all=1")):
        clear_cache()
        words_of.cache_clear()
        started = time.perf_counter()
        response = client.get(f"/insight/fragments/common-problems{query}")
        out.append((f"common-problems fragment, {label}, HTTP {response.status_code}",
                    time.perf_counter() - started))
    return out


def _gunicorn_hooks():
    spec = importlib.util.spec_from_file_location(
        "gunicorn_conf", Path(__file__).resolve().parent.parent / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    main()
