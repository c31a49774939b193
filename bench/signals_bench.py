"""P18 signals at scale: common problems and surge detection on a large PostgreSQL database.

    .venv/bin/python bench/signals_bench.py [--rows 1000000] [--days 365] [--repeat 3]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--keep] [--caps 20000,10000]

Creates a private database `qisu_bench_signals` on the server (dropped at the end unless --keep),
migrates and seeds it, inserts `--rows` synthetic cases with COPY, spread evenly over `--days`
days before the bench clock, plus a surge (300 appointment complaints from 小榄镇 enterprises in
the last 3 days). Demand texts are random 40–160-character windows of the routing corpus
(../shared/data/routing/train.csv next to the checkout, read where it lies) when it exists, else of a few templates.
Prints timings (median of --repeat runs, and the first, cold run), wall clock and this process's
CPU time (the SQL part runs in the server; on a busy machine the CPU time is the steadier figure):

* `common_problems` for the last 30 days, with each cap of --caps (default 10,000 texts), unfiltered and
  filtered by town, with the result cache cleared before every run (the page's second load is a
  cache hit);
* the SQL part alone (count + fetch of the capped texts);
* `detect_surges` at the bench clock (rolled back after each run, so every run does the full work).

Timings only; nothing asserts on them. Run it alone: the test suite on the same machine or server
distorts the figures.
"""
from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, text  # noqa: E402
from serving import drop_pg_database, pg_database  # noqa: E402

DATABASE = "qisu_bench_signals"

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "routing" / "train.csv"
NOW = datetime(2026, 11, 23, 2, 0, 0)
TEMPLATES = ("厂区门口绿化带影响货车进出，请求协调移植", "工人工资拖欠三个月，请求人社部门介入处理",
             "园区道路破损严重，货车通行困难，请求尽快维修", "企业用电频繁跳闸影响生产，请供电部门检修线路",
             "咨询高新技术企业认定的申报条件和材料", "出口退税办理进度缓慢，资金周转困难")
APPOINTMENT = ("小榄镇行政服务中心预约不上，连续两周都约不到号，营业执照变更办不了",
               "在小榄镇行政服务中心办理业务一直预约不到，已经等了三个星期",
               "小榄镇行政服务中心网上预约全部约满，企业急需办理税务登记却预约不上")


def texts() -> list[str]:
    if CORPUS.exists():
        with CORPUS.open(encoding="utf-8") as f:
            return [row["text"] for row in csv.DictReader(f)]
    return list(TEMPLATES)


def window(rnd: random.Random, corpus: list[str]) -> str:
    t = rnd.choice(corpus)
    start = rnd.randrange(max(1, len(t) - 100))
    return t[start:start + rnd.randint(40, 160)].replace("\t", " ").replace("\n", " ") \
        .replace("\\", "/")


COLUMNS = ("number", "status", "channel", "kind", "domain", "town", "description", "enterprise_id",
           "unit_id", "red_list", "dissatisfied_rounds", "deployment_id", "created_at",
           "updated_at", "version", "matter_class", "overdue", "auto_dispatched", "returns_count",
           "extensions_count")


def copy_cases(rt, rows: int, days: int, deployment_id: int) -> float:
    from app.db.models import Enterprise, Unit
    from app.domain.vocab import DOMAINS, KINDS
    rnd = random.Random(18)
    corpus = texts()
    with rt.uow() as uow:
        enterprises = list(uow.session.execute(select(Enterprise.id, Enterprise.town)).all())
        units = [u for u, in uow.session.execute(select(Unit.id))]
        xlz = [e for e, town in enterprises if town == "小榄镇"]
    span = days * 86400
    started = time.perf_counter()
    raw = rt.session_factory.kw["bind"].raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY cases ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for i in range(rows):
                at = NOW - timedelta(seconds=span * (i + 0.5) / rows)
                ent, town = rnd.choice(enterprises)
                copy.write_row((f"QB{i:09d}", "closed", "phone", rnd.choice(KINDS),
                                rnd.choice(DOMAINS), town, window(rnd, corpus), ent,
                                rnd.choice(units), False, 0, deployment_id, at, at, 1, "general",
                                False, False, 0, 0))
            for i in range(300):  # the surge: 小榄镇 appointment backlog, last 3 days
                at = NOW - timedelta(seconds=rnd.randrange(3 * 86400))
                copy.write_row((f"QS{i:09d}", "closed", "phone", "投诉", "商贸旅游", "小榄镇",
                                rnd.choice(APPOINTMENT) + window(rnd, corpus)[:30], rnd.choice(xlz),
                                None, False, 0, deployment_id, at, at, 1, "general", False, False,
                                0, 0))
        raw.commit()
        cursor.execute("ANALYZE cases")
        raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - started


def timed(fn, repeat: int) -> tuple[float, str, object]:
    """(first wall time, "median wall s (median CPU s of this process)", last result)."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return times[0], f"{statistics.median(times):.3f} s (CPU {statistics.median(cpu):.3f} s)", result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--caps", default="10000",
                        help="comma-separated caps on the texts analysed (max_texts) to time")
    args = parser.parse_args()

    from app import create_app
    from app.clock import FixedClock
    from app.services.deployments import deploy_directory
    from app.demo.seed import seed_demo
    from tests.conftest import migrate

    url = pg_database(args.pg_url, DATABASE)
    try:
        migrate(url)
        app = create_app({"TESTING": True, "DATABASE_URL": url, "QISU_AUTO_DEPLOY": False})
        rt = app.extensions["qisu"]
        rt.clock = FixedClock(NOW)
        seed_demo(rt, password_method="pbkdf2:sha256:1000")
        deployment, _ = deploy_directory(rt, app.config["QISU_WORKFLOWS_DIR"])
        seconds = copy_cases(rt, args.rows, args.days, deployment.id)
        print(f"inserted {args.rows + 300:,} cases with COPY in {seconds:.1f} s "
              f"({args.rows / args.days:,.0f} a day over {args.days} days)")
        for cap in (int(c) for c in args.caps.split(",")):
            rt.settings["common_problems"] = {**rt.settings.get("common_problems", {}),
                                              "max_texts": cap}
            print(f"-- cap {cap:,} texts")
            run(rt, args.repeat)
    finally:
        if not args.keep:
            drop_pg_database(args.pg_url, DATABASE)


def run(rt, repeat: int) -> None:
    from app.db.models import Case
    from app.services.signals import common_problems as cp
    from app.services.signals.surges import detect_surges, settings

    month = cp.ProblemQuery(start=NOW - timedelta(days=30), end=NOW)
    cap = cp.settings(rt)["max_texts"]

    def sql_only():
        with rt.uow() as uow:
            s = uow.session
            s.execute(select(text("count(*)")).select_from(Case).where(*cp._filters(month))).one()
            return len(s.execute(select(Case.id, Case.description, Case.enterprise_id)
                                 .where(*cp._filters(month)).order_by(Case.created_at.desc())
                                 .limit(cap)).all())

    def analyse(query):
        def go():
            cp.clear_cache()
            return cp.common_problems(rt, query)
        return go

    first, median, fetched = timed(sql_only, repeat)
    print(f"common problems, SQL only (count + {fetched:,} texts): first {first:.3f} s, "
          f"median {median}")
    for label, query in (("last 30 days", month),
                         ("last 30 days, town 小榄镇", cp.ProblemQuery(
                             start=month.start, end=month.end, town="小榄镇"))):
        first, median, result = timed(analyse(query), repeat)
        top = result["groups"][0] if result["groups"] else None
        print(f"common_problems {label}: matched {result['matched']:,}, analysed "
              f"{result['analysed']:,}, {result['total_groups']:,} groups; first {first:.3f} s, "
              f"median {median}; top group: "
              + (f"{top['count']} cases / {top['enterprise_count']} enterprises "
                 f"[{'、'.join(top['keywords'])}] {top['title']}" if top else "none"))
    cp.common_problems(rt, month)
    started = time.perf_counter()
    cp.common_problems(rt, month)
    print(f"common_problems last 30 days, second load (cache hit): {time.perf_counter() - started:.3f} s")

    conf = settings(rt)

    def detect():
        with rt.uow() as uow:
            created = detect_surges(uow.session, NOW, **conf)
            labels = [f"{a.key} {a.observed} vs {a.expected:.1f}" for a in created]
            uow.session.rollback()
            return labels
    first, median, labels = timed(detect, repeat)
    print(f"detect_surges (window {conf['window_days']} d, baseline {conf['baseline_days']} d): "
          f"first {first:.3f} s, median {median}; flagged {len(labels)}: {labels[:6]}")


if __name__ == "__main__":
    main()
