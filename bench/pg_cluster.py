#!/usr/bin/env python
"""A private, throwaway PostgreSQL cluster that a benchmark may stop and restart at will.

    .venv/bin/python bench/pg_cluster.py        # self-check: init, start, stop, start, clean up

The shared server on 127.0.0.1:5432 is used by other people's tests; restarting it would break
them. This helper runs `initdb` into a temporary directory (trust authentication, fsync off,
listening on a free port of 127.0.0.1 only, its socket in that directory), and starts/stops it
with `pg_ctl`. Binaries: `pg_config --bindir` on PATH, else the newest /usr/lib/postgresql/*/bin.
PostgreSQL refuses to run as root: as root, every command runs as the `postgres` OS user
(`runuser -u postgres --`). `unavailable()` says why a cluster cannot be made (the benchmark
then prints "skipped: <reason>").
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from serving import free_port

OS_USER = "postgres"


class Unavailable(RuntimeError):
    """No private cluster can be made here (no binaries, no `postgres` user, initdb failed)."""


def find_bindir() -> Path:
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        path = Path(found.stdout.strip())
        if found.returncode == 0 and (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path

    def version(path: str) -> tuple:
        name = Path(path).parent.name
        return tuple(int(p) for p in name.split(".") if p.isdigit())
    candidates = [d for d in glob.glob("/usr/lib/postgresql/*/bin")
                  if os.path.exists(os.path.join(d, "initdb")) and os.path.exists(os.path.join(d, "pg_ctl"))]
    if not candidates:
        raise Unavailable("no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin "
                          "or from pg_config")
    return Path(max(candidates, key=version))


class PgCluster:
    """`with PgCluster() as pg: pg.start(); url = pg.url("qisu"); pg.stop("fast"); pg.start()`."""

    def __init__(self, port: int | None = None):
        self.bindir = find_bindir()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            try:
                self.owner = pwd.getpwnam(OS_USER)
            except KeyError:
                raise Unavailable(f"running as root and there is no OS user {OS_USER!r} "
                                  "(PostgreSQL refuses to run as root)") from None
            if not shutil.which("runuser"):
                raise Unavailable("running as root without `runuser`")
        self.root = Path(tempfile.mkdtemp(prefix="qisu-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = port or free_port()
        self.running = False
        self.initialized = False
        if self.as_root:
            os.chown(self.root, self.owner.pw_uid, self.owner.pw_gid)

    # -- commands -------------------------------------------------------------------------
    def _run(self, tool: str, *args: str, check: bool = True, timeout: float = 120):
        command = [str(self.bindir / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", OS_USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              cwd=self.root)
        if check and done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise Unavailable(f"{tool} failed ({done.returncode}): {' | '.join(tail)}")
        return done

    def init(self) -> None:
        if self.initialized:
            return
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--locale=C", "--no-sync")
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# qisu bench (private, throwaway)\n"
                       "listen_addresses = '127.0.0.1'\n"
                       f"port = {self.port}\n"
                       f"unix_socket_directories = '{self.root}'\n"
                       "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                       "max_connections = 100\nshared_buffers = 64MB\n")
        self.initialized = True

    def start(self, timeout: float = 60) -> float:
        """Start and wait until it accepts connections; returns the seconds it took."""
        started = time.monotonic()
        self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w",
                  "-t", str(int(timeout)), timeout=timeout + 10)
        self.running = True
        return time.monotonic() - started

    def stop(self, mode: str = "fast", timeout: float = 60) -> float:
        """`pg_ctl stop -m fast|immediate|smart`; returns the seconds it took."""
        started = time.monotonic()
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w",
                  "-t", str(int(timeout)), timeout=timeout + 10)
        self.running = False
        return time.monotonic() - started

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        from sqlalchemy import create_engine, text
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return self.url(name)

    def log_tail(self, lines: int = 5) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def cleanup(self) -> None:
        if self.running:
            try:
                self.stop("immediate", timeout=30)
            except Exception:  # noqa: BLE001 - removing the directory is what matters
                pass
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PgCluster:
        try:
            self.init()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.cleanup()


def main() -> int:
    try:
        with PgCluster() as pg:
            print(f"private cluster: {pg.bindir}, port {pg.port}, data {pg.data}")
            print(f"start {pg.start():.2f} s")
            from sqlalchemy import create_engine, text
            engine = create_engine(pg.url())
            with engine.connect() as conn:
                print("version:", conn.execute(text("SHOW server_version")).scalar())
            engine.dispose()
            print(f"stop -m fast {pg.stop('fast'):.2f} s; start {pg.start():.2f} s; "
                  f"stop -m immediate {pg.stop('immediate'):.2f} s; start {pg.start():.2f} s")
        print("cleaned up")
    except Unavailable as err:
        print(f"skipped: {err}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
