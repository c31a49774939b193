"""P18 benchmark: every insight dashboard query on 1,000,000 synthetic cases in PostgreSQL.

    make bench-insight            # or: .venv/bin/python bench/insight_queries.py [--cases N]

Uses its own database `qisu_bench_insight` on the server of --pg-url (created, migrated and
seeded when missing; kept between runs so the generated history is reused; --fresh drops it).
Each query runs once "cold" (first call on a new connection pool, so no plan or catalogue cache
in the backend; the server's shared buffers and the OS page cache may still hold the table)
and then --repeat times warm. Prints one row per query and filter set, the max, and whether
each is under 1 s.
"""
from __future__ import annotations

import argparse
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

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
LIMIT_S = 1.0


def ensure_database(server: str, name: str, fresh: bool) -> str:
    from sqlalchemy import create_engine, make_url, text
    base = make_url(server)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if fresh:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def build_app(url: str):
    from alembic import command

    from app import create_app
    from app.cli import alembic_config
    from app.services.deployments import deploy_directory
    from app.services.seed import seed_demo
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
    from app.services.insight.history import generate
    rt = app.extensions["qisu"]
    with rt.uow() as uow:
        have = uow.session.scalar(select(func.count()).select_from(Case)
                                  .where(Case.number.like("LS%")))
    if have >= cases:
        return f"reused {have:,} generated cases"
    result = generate(rt, cases - have, days=days, seed=have,
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
    args = parser.parse_args()

    url = ensure_database(args.pg_url, args.database, args.fresh)
    app = build_app(url)
    history = ensure_history(app, args.cases, args.days)
    rt = app.extensions["qisu"]
    engine = rt.session_factory.kw["bind"]
    today = rt.clock.now().date()
    rows = []
    for label, filters in filter_sets(today):
        for name, query in queries(rt):
            engine.dispose()  # cold: new connections, empty backend caches
            cold = timed(lambda: query.uncached(rt, filters))
            warm = [timed(lambda: query.uncached(rt, filters)) for _ in range(args.repeat)]
            query(rt, filters)  # fills the answer cache
            hit = statistics.median(timed(lambda: query(rt, filters)) for _ in range(args.repeat))
            rows.append((name, label, cold, statistics.median(warm), max(warm), hit))
    page = dashboard_page(app, today)

    print(f"# P18 insight queries — {args.cases:,} cases, PostgreSQL ({args.database})")
    print(f"# {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"# data: {history}")
    print(f"{'query':<10} {'filters':<34} {'cold ms':>8} {'warm med':>9} {'warm max':>9} "
          f"{'cached':>7}  < 1 s")
    for name, label, cold, med, top, hit in rows:
        ok = "yes" if max(cold, top) < LIMIT_S else "NO"
        print(f"{name:<10} {label:<34} {cold * 1000:8.0f} {med * 1000:9.0f} {top * 1000:9.0f} "
              f"{hit * 1000:7.1f}  {ok}")
    worst = max(rows, key=lambda r: max(r[2], r[4]))
    print(f"max: {max(worst[2], worst[4]) * 1000:.0f} ms ({worst[0]}, {worst[1]}); "
          f"all under 1 s: {'yes' if all(max(r[2], r[4]) < LIMIT_S for r in rows) else 'NO'}")
    print(f"# load average while measuring: {os.getloadavg()}")
    print("# cold/warm: the query itself (answer cache bypassed); cached: a repeat answered from "
          "the answer cache (invalidated by any write)")
    for label, seconds in page:
        print(f"dashboard page /insight ({label}): {seconds * 1000:.0f} ms (all sections, one request)")


def dashboard_page(app, today):
    client = app.test_client()
    client.post("/login", data={"username": "leader1", "password": "qisu-leader1"})
    out = []
    app.extensions["qisu"].insight_cache.clear()
    for label, query in (("default: last 30 days", ""), ("all time", "?from=&to=&all=1")):
        started = time.perf_counter()
        response = client.get(f"/insight{query}")
        out.append((f"{label}, HTTP {response.status_code}", time.perf_counter() - started))
    started = time.perf_counter()
    client.get("/insight")
    out.append(("default again, from the answer cache", time.perf_counter() - started))
    return out


if __name__ == "__main__":
    main()
