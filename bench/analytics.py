"""Issue 21 §7 benchmark: every process analytics view (elements, flows, variants, a variant's
cases, conformance, what-if) on up to 1,000,000 synthetic cases with their trail.

    .venv/bin/python bench/analytics.py [--cases N] [--pg-url URL] [--fresh] [--repeat R]
    .venv/bin/python bench/analytics.py --smoke      # SQLite, 1,500 cases: the suite's smoke run

PostgreSQL: its own database `qisu_analytics` on the server of --pg-url (created, migrated,
seeded and filled by `generate-history` when missing; kept between runs so the history is
reused; --fresh drops it). Above --template cases (default 50,000) the history is the template
written by generate-history and copied set-based (bench/analytics_clone.py, INSERT … SELECT over
generate_series): 1,000,000 cases build in about 3 minutes plus the rollup (migration 0080 or
`rebuild`). Each view runs once cold and --repeat times warm, uncached (the answer cache is off);
prints one line per view and filter set with the median warm time and whether it is under the
issue's 2 s. --direct times the views without the rollup (over the trail). Timings only; nothing
asserts on them.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from insight_queries import build_app  # noqa: E402  (bench/ is sys.path[0] when run as a script)
from serving import pg_database  # noqa: E402

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DATABASE = "qisu_analytics"
LIMIT_S = 2.0


def ensure_history(app, url: str, cases: int, days: int, template: int) -> str:
    """`cases` generated cases (LS…) with their trail: up to `template` by generate-history (the
    real generator), the rest set-based copies of those (bench/analytics_clone.py, PostgreSQL)."""
    from sqlalchemy import func, select

    from app.db.models import Case
    from app.demo.history import generate
    rt = app.extensions["qisu"]
    with rt.uow() as uow:
        have = uow.session.scalar(select(func.count()).select_from(Case)
                                  .where(Case.number.like("LS%")))
    if have >= cases:
        return f"reused {have:,} generated cases"
    if have:
        raise SystemExit(f"{have:,} generated cases, {cases:,} wanted: run with --fresh")
    started = time.perf_counter()
    first = min(cases, template)
    result = generate(rt, first, days=days, seed=0,
                      workflows_dir=app.config["QISU_WORKFLOWS_DIR"],
                      echo=lambda m: print(m, file=sys.stderr) if m.endswith("0,000 cases") else None)
    line = f"generated {result['cases']:,} cases with {result['tasks']:,} tasks in {result['seconds']} s"
    copies = -(-cases // first)
    if copies > 1:
        from analytics_clone import grow

        from app.services.insight.rollup import rebuild
        grow(url, copies, echo=lambda m: print(m, file=sys.stderr))
        rebuild(rt)
        _rebuild_analytics(rt)
        line += (f"; copied {copies - 1}× set-based and rebuilt the rollups: "
                 f"{time.perf_counter() - started:.0f} s in all")
    return line


def _rebuild_analytics(rt) -> None:
    try:
        from app.services.analytics.rollup import rebuild
    except ImportError:  # before the analytics rollup (migration 0080): nothing to rebuild
        return
    rebuild(rt)


def scopes(today):
    from app.services.analytics.model import Scope
    from app.services.insight.filters import Filters
    last30 = dict(date_from=today - timedelta(days=29), date_to=today)
    return [("last 30 days", Scope(Filters(**last30))),
            ("last 30 days, unit rsj", Scope(Filters(unit="rsj", **last30))),
            ("last 30 days, red list", Scope(Filters(red_list=True, **last30))),
            ("all time", Scope(Filters()))]


def views(rt):
    from app.services.analytics import conformance, elements, variants, what_if
    sla = (ROOT / "workflows" / "sla.dmn").read_text(encoding="utf-8")

    def variant_cases(rt, scope):
        top = variants.variants(rt, scope, limit=1)["items"]
        return variants.variant_cases(rt, scope, top[0]["id"]) if top else None
    return [("elements", elements.elements), ("flows", elements.flows),
            ("variants", variants.variants), ("variant cases (incl. variants)", variant_cases),
            ("conformance", conformance.conformance),
            ("what-if", lambda rt, scope: what_if.what_if(rt, scope, sla))]


def timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--template", type=int, default=50_000,
                        help="cases written by generate-history; the rest are set-based copies")
    parser.add_argument("--pg-url", default=DEFAULT_SERVER)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--build-only", action="store_true", help="build the history, time nothing")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="run only the views whose name starts with this")
    parser.add_argument("--smoke", action="store_true", help="SQLite, 1,500 cases, one repeat")
    parser.add_argument("--exact-max", type=int, default=None,
                        help="analytics_exact_max: up to this many passes/cases the views read the "
                             "trail (exact percentiles); above, the rollup (the smoke run: 0)")
    parser.add_argument("--direct", action="store_true",
                        help="no rollup: every view over the trail (the reference)")
    args = parser.parse_args(argv)
    if args.smoke:
        url = "sqlite:///" + str(Path(tempfile.mkdtemp()) / "analytics-bench.db")
        args.cases, args.days, args.repeat = 1500, 60, 1
        args.exact_max = 0 if args.exact_max is None else args.exact_max
    else:
        url = pg_database(args.pg_url, args.database, fresh=args.fresh)
    app = build_app(url)
    rt = app.extensions["qisu"]
    rt.settings["insight_cache"] = False
    if args.exact_max is not None:
        rt.settings["analytics_exact_max"] = args.exact_max
    if args.direct:
        rt.settings["analytics_rollup"] = False
    print(ensure_history(app, url, args.cases, args.days, args.template), flush=True)
    if args.build_only:
        return 0
    today = (rt.clock.now() + timedelta(hours=8)).date()
    worst = 0.0
    for name, fn in views(rt):
        if args.only and not name.startswith(args.only):
            continue
        for label, scope in scopes(today):
            cold = timed(fn, rt, scope)
            warm = statistics.median(timed(fn, rt, scope) for _ in range(args.repeat))
            worst = max(worst, warm)
            print(f"{name:32} {label:24} cold {cold:6.2f} s  warm {warm:6.2f} s  "
                  f"{'ok' if warm <= LIMIT_S else 'OVER 2 s'}")
    print(f"slowest warm view: {worst:.2f} s (target ≤ {LIMIT_S:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
