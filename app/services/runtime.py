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
    """Session factory, engine runner, spec cache, clock and settings of one app."""

    def __init__(self, session_factory: sessionmaker, runner: WorkflowRunner, specs: SpecCache,
                 clock: Any, settings: dict[str, Any] | None = None):
        self.session_factory = session_factory
        self.runner = runner
        self.specs = specs
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
