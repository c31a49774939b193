"""What the use cases need at run time, built once per app by `create_app()`."""
from __future__ import annotations

import logging
import time
from collections import OrderedDict
from threading import Lock
from typing import Any

from sqlalchemy.orm import sessionmaker

from app.db.models import Deployment
from app.db.uow import UnitOfWork
from app.engine.bundle import ParsedBundle, parse_bundle
from app.engine.runner import WorkflowRunner

from .deployments import bundle_files

log = logging.getLogger(__name__)


class SpecCache:
    """Parsed deployments by id. A deployment never changes, so entries never go stale."""

    def __init__(self, size: int = 32):
        self._size = size
        self._items: OrderedDict[int, ParsedBundle] = OrderedDict()
        self._lock = Lock()
        self.parses = 0

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def get(self, session, deployment_id: int) -> ParsedBundle:
        with self._lock:
            if deployment_id in self._items:
                self._items.move_to_end(deployment_id)
                return self._items[deployment_id]
        bundle = parse_bundle(bundle_files(session, session.get(Deployment, deployment_id)))
        with self._lock:
            self.parses += 1
            self._items[deployment_id] = bundle
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return bundle


class WorkflowCache:
    """Live workflows of recently completed commands, by case, each at the case row's version.

    After a command commits, its workflow object is what the next command on that case would
    load from the state it wrote; keeping it saves that command the load (and, on PostgreSQL,
    the transfer of the state text, which the completion query leaves out when the version it
    knows is the case's). A taken workflow leaves the cache (the command mutates it); it comes
    back only after that command committed, at the case's new version. Every state write bumps
    the case's version (projection.save), so a version match means the stored state is the one
    this workflow was dumped to. Per process: with several processes a case's next step finds
    it only in the process that did the last one. `size` 0 turns it off."""

    def __init__(self, size: int = 64):
        self.size = size
        self._items: OrderedDict[int, tuple] = OrderedDict()  # case id -> (version, wf, task ids)
        self._by_key: dict[Any, int] = {}  # open task id or case number -> case id
        self._lock = Lock()
        self.hits = self.misses = 0

    def known_version(self, key) -> int | None:
        """The version at which the workflow of the case with open task (or number) `key` is
        cached, if it is."""
        with self._lock:
            case_id = self._by_key.get(key)
            item = self._items.get(case_id) if case_id is not None else None
            return item[0] if item is not None else None

    def take(self, case_id: int, version: int, task_id: str):
        """The cached workflow of the case, if it is at `version` and `task_id` was open then
        (task ids are random UUIDs, never reused: a case id and version alone could be, after
        rows were deleted); it leaves the cache either way."""
        with self._lock:
            item = self._items.pop(case_id, None)
            if item is not None and item[0] == version and task_id in item[2]:
                self.hits += 1
                return item[1]
            self.misses += 1
            return None

    def put(self, case_id: int, version: int, workflow, task_ids, number: str) -> None:
        """Keep `workflow` of case `case_id` at `version`, with the ids of its open tasks."""
        if self.size <= 0:
            return
        task_ids = frozenset(task_ids)
        with self._lock:
            self._items[case_id] = (version, workflow, task_ids)
            self._items.move_to_end(case_id)
            for key in (*task_ids, number):
                self._by_key[key] = case_id
            while len(self._items) > self.size:
                self._items.popitem(last=False)
            if len(self._by_key) > 8 * self.size:  # drop keys of cases no longer cached
                self._by_key = {k: c for k, c in self._by_key.items() if c in self._items}

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._by_key.clear()


class TtlCache:
    """A small thread-safe cache whose entries live `seconds` (monotonic time)."""

    def __init__(self, seconds: float, size: int = 10_000):
        self.seconds, self.size = seconds, size
        self._items: dict[Any, tuple[float, Any]] = {}
        self._lock = Lock()

    def get(self, key):
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] < time.monotonic():
                self._items.pop(key, None)
                return None
            return item[1]

    def put(self, key, value) -> None:
        with self._lock:
            if len(self._items) >= self.size:
                self._items.clear()
            self._items[key] = (time.monotonic() + self.seconds, value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class Runtime:
    """Session factory, engine runner, spec and workflow caches, clock and settings of one app."""

    def __init__(self, session_factory: sessionmaker, runner: WorkflowRunner, specs: SpecCache,
                 clock: Any, settings: dict[str, Any] | None = None,
                 workflows: WorkflowCache | None = None):
        self.session_factory = session_factory
        self.runner = runner
        self.specs = specs
        self.workflows = workflows if workflows is not None else WorkflowCache(0)
        self.settings = settings or {}
        self.clock = clock

    @property
    def clock(self):
        return self._clock

    @clock.setter
    def clock(self, clock) -> None:
        """One clock for the services and for the timers inside the engine."""
        self._clock = clock
        self.runner.clock = clock

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    def read(self):
        """A connection for one read that needs no transaction of its own (autocommit: no BEGIN
        and ROLLBACK round trips, no ORM session), e.g. the credential lookup of every request."""
        if getattr(self, "_reader", None) is None:
            engine = self.session_factory.kw["bind"]
            # SQLite: switching pysqlite to autocommit and back per request cost more than it
            # saved (measured: +3 ms a step); a plain connection there.
            self._reader = engine if engine.dialect.name == "sqlite" else engine.execution_options(
                isolation_level="AUTOCOMMIT")
        return self._reader.connect()
