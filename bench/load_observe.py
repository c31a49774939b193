"""What bench/load.py watches while it measures: CPU seconds of the servers and their PostgreSQL
backends (Linux /proc), and a CPU probe that shows how busy the machine is."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

PROBE = "import time; t = time.perf_counter(); sum(i * i for i in range(300_000)); " \
        "print(time.perf_counter() - t)"


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc), 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (Linux /proc): gunicorn workers, the evaluator processes that
    run the designers' scripts (app/engine/sandbox_pool.py) below them."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def children_cpu(pid: int) -> dict[int, float]:
    """CPU seconds of each process below `pid`, by pid."""
    return {child: _cpu(child) for child in descendants(pid)}


def server_pids(servers, pg_url: str, name: str) -> dict[str, list[int]]:
    """The gunicorn master and workers, the qisu worker and the evaluator processes below them;
    the PostgreSQL backends serving the database."""
    from sqlalchemy import text
    app = []
    for proc in servers.procs:
        app += [proc.pid, *descendants(proc.pid)]
    from sqlalchemy import create_engine
    admin = create_engine(pg_url, connect_args={"connect_timeout": 5})
    with admin.connect() as conn:
        pg = [row[0] for row in conn.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"),
            {"n": name})]
    admin.dispose()
    return {"app": app, "pg": pg}


def observe(servers, pg_url: str, name: str, results: dict):
    """While measuring: CPU seconds the app processes and their PostgreSQL backends used (a cost
    per step that contention hardly changes), and every 5 s a CPU probe — a fixed loop timed in a
    separate process (wall ms): how much CPU the machine left."""
    def snapshot() -> dict[int, float]:
        pids = server_pids(servers, pg_url, name)
        return {("app", p): _cpu(p) for p in pids["app"]} | {("pg", p): _cpu(p) for p in pids["pg"]}

    def during(deadline: float) -> None:
        before = snapshot()
        while time.perf_counter() < deadline - 1.5:
            out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
            results["probes"].append(1000 * float(out.stdout.strip() or "nan"))
            time.sleep(max(0.0, min(5.0, deadline - time.perf_counter() - 1.5)))
        time.sleep(max(0.0, deadline - time.perf_counter()))
        after = snapshot()
        for (kind, pid), seconds in after.items():
            results[kind] += max(0.0, seconds - before.get((kind, pid), 0.0))
    return during
