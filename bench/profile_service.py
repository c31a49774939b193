#!/usr/bin/env python
"""Profile the service loop of bench/loop_rate.py (cProfile), to find where a case's time goes.

    .venv/bin/python bench/profile_service.py [--cases N] [--pg-url URL] [--top K]

Without --pg-url it runs on a fresh temporary SQLite file; with it, on a private PostgreSQL
database created and dropped for the run (see loop_rate.fresh_postgres). Prints:
  * SQL statements and round trips per request kind (SQLAlchemy events),
  * time per layer (self time of functions grouped by package),
  * the top app/ functions by cumulative time, and the top functions overall by self time.
"""
from __future__ import annotations

import argparse
import contextlib
import cProfile
import logging
import pstats
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loop_rate as lr  # noqa: E402

ROOT = f"{lr.ROOT}/"  # this checkout, wherever it lies

LAYERS = (  # first match wins; matched against the profiled function's file name
    ("app/ (QiSu code)", f"{ROOT}app/"),
    ("SpiffWorkflow", "/SpiffWorkflow/"),
    ("psycopg (PostgreSQL driver)", "/psycopg"),
    ("sqlite3 (driver)", "sqlite3"),
    ("SQLAlchemy", "/sqlalchemy/"),
    ("RestrictedPython", "/RestrictedPython/"),
    ("jsonschema + referencing", "/jsonschema"),
    ("jsonschema + referencing", "/referencing/"),
    ("marshmallow/webargs/flask-smorest", "/marshmallow/"),
    ("marshmallow/webargs/flask-smorest", "/webargs/"),
    ("marshmallow/webargs/flask-smorest", "/flask_smorest/"),
    ("Flask/Werkzeug", "/flask/"),
    ("Flask/Werkzeug", "/werkzeug/"),
    ("json (stdlib)", "/json/"),
    ("bench + tests/support.py", f"{ROOT}bench/"),
    ("bench + tests/support.py", f"{ROOT}tests/"),
)


def layer_of(filename: str) -> str:
    if filename.startswith("<") or filename == "~":
        return "builtins / C calls"
    for label, needle in LAYERS:
        if needle in filename:
            return label
    return "other (stdlib etc.)"


class SqlCounter:
    def __init__(self, engine, client):
        from sqlalchemy import event
        self.client = client
        self.current = None
        self.by_kind = Counter()
        self.by_statement = Counter()
        self.seconds = Counter()
        self.param_bytes = Counter()
        self._started = None
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._started = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if self.current is None:
            return
        key = (self.current, " ".join(statement.split())[:90])
        self.by_kind[self.current] += 1
        self.by_statement[key] += 1
        self.seconds[key] += time.perf_counter() - self._started
        rows = parameters if isinstance(parameters, (list, tuple)) else [parameters]
        self.param_bytes[key] += sum(len(v) for p in rows if isinstance(p, dict)
                                     for v in p.values() if isinstance(v, str))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--dump", default=None, help="also write the cProfile data to this file")
    parser.add_argument("--statements", type=int, default=18,
                        help="how many statements to list (by time)")
    args = parser.parse_args(argv)
    logging.disable(logging.INFO)

    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="qisu-prof-"))
        url = "sqlite:///" + str(Path(tmp) / "prof.db")
        if args.pg_url:
            url, _how = stack.enter_context(lr.fresh_postgres(args.pg_url))
        app = lr.build_app(url)
        engine = app.extensions["qisu"].session_factory.kw["bind"]
        api = lr.make_api(app)
        for user in lr.USERS:
            api.token(user)
        for _ in range(args.warmup):
            lr.drive_case(api)

        # 1. SQL statements per request kind (one un-profiled pass).
        client = api.client
        sql = SqlCounter(engine, client)
        original = client._call

        def counting_call(method, url_, **kwargs):
            sql.current = lr._kind(method, url_.split("?")[0])
            try:
                return original(method, url_, **kwargs)
            finally:
                sql.current = None
        client._call = counting_call
        client.reset()
        for _ in range(args.cases):
            lr.drive_case(api)
        requests = {k: n for k, (n, _s) in client.by_kind.items()}
        client._call = original

        # 2. cProfile pass.
        profile = cProfile.Profile()
        start = time.perf_counter()
        profile.enable()
        for _ in range(args.cases):
            lr.drive_case(api)
        profile.disable()
        elapsed = time.perf_counter() - start
        engine.dispose()
    if args.dump:
        profile.dump_stats(args.dump)  # for pstats / snakeviz

    print(f"profile: {args.cases} cases on {engine.dialect.name}, "
          f"{1000 * elapsed / args.cases:.1f} ms/case under cProfile")
    print("SQL statements per request (mean):")
    for kind, n in sorted(requests.items()):
        print(f"  {kind:<32} {sql.by_kind[kind] / n:5.1f} statements/request")
    total = sum(sql.by_kind.values()) / args.cases
    print(f"  total per case: {total:.0f} statements")
    print(f"  time inside cursor.execute per case: {1000 * sum(sql.seconds.values()) / args.cases:.1f} ms "
          "(driver + server + round trip, without the ORM around it)")
    print("statements by time inside cursor.execute (per case: count, ms, string parameter KiB):")
    for key, seconds in sql.seconds.most_common(args.statements):
        kind, stmt = key
        print(f"  {sql.by_statement[key] / args.cases:5.1f}  {1000 * seconds / args.cases:6.2f} ms  "
              f"{sql.param_bytes[key] / args.cases / 1024:6.1f} KiB  [{kind.split()[1]}] {stmt}")

    stats = pstats.Stats(profile)
    layers = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
        layers[layer_of(filename)] += tt
    whole = sum(layers.values())
    print("self time per layer:")
    for label, seconds in sorted(layers.items(), key=lambda kv: -kv[1]):
        print(f"  {label:<36} {100 * seconds / whole:5.1f}%  {1000 * seconds / args.cases:6.1f} ms/case")

    def rows(predicate, key):
        items = [(fn, st) for fn, st in stats.stats.items() if predicate(fn[0])]
        return sorted(items, key=lambda it: -it[1][key])[:args.top]

    print("top app/ functions by cumulative time (ms/case, calls/case):")
    for (filename, line, name), (_cc, nc, _tt, ct, _c) in rows(lambda f: f"{ROOT}app/" in f, 3):
        print(f"  {1000 * ct / args.cases:7.1f}  {nc / args.cases:6.1f}  "
              f"{filename.split(ROOT)[1]}:{line}({name})")
    print("top functions overall by self time (ms/case, calls/case):")
    for (filename, line, name), (_cc, nc, tt, _ct, _c) in rows(lambda f: True, 2):
        short = filename.split("site-packages/")[-1].split(ROOT)[-1]
        print(f"  {1000 * tt / args.cases:7.1f}  {nc / args.cases:7.1f}  {short}:{line}({name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
