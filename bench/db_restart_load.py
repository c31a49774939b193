"""Client load for bench/db_restart.py: N threads, each a caller with its own HTTP session.

Each client loops over one case's intake and dispatch, as an agent and a dispatcher would:
  1. POST /api/cases (agent1) with `Idempotency-Key: <client>-<n>`; the description carries the
     key, so the database can be asked afterwards how many cases each key made;
  2. GET /api/cases/<number>;
  3. GET /api/tasks?case_number=<number> (dispatcher1) for the dispatch task;
  4. POST /api/tasks/<id>/complete (dispatch to 城管局) with `Idempotency-Key: <key>-d`.
A step that gets 503 or a connection error is retried (same key, same body) after
`retry_seconds` until it succeeds or the load stops; any other failure abandons the case.
Every request is recorded (monotonic start/end, status, error code, exception name).
A separate prober GETs /healthz every 0.2 s.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import requests

INTAKE = {"kind": "投诉", "domain": "城市管理", "town": ""}
DISPATCH = {"unit_code": "cgj", "override_reason": "断库演练"}
UNAVAILABLE, UNAVAILABLE_MESSAGE = "database_unavailable", "数据库暂时无法连接,请稍后重试"


@dataclass
class Record:
    t0: float
    t1: float
    client: int
    kind: str
    status: int | None  # None: no HTTP answer (connection refused/reset, timeout)
    code: str | None = None  # the error code of a JSON error body
    error: str | None = None  # exception name when there was no answer


@dataclass
class Load:
    base: str
    tokens: dict[str, str]
    credit_codes: list[str]
    retry_seconds: float = 0.05
    records: list[Record] = field(default_factory=list)
    healthz: list[Record] = field(default_factory=list)
    keys: dict[str, list[str]] = field(default_factory=dict)  # key -> numbers of its 2xx answers
    bodies: dict[str, dict] = field(default_factory=dict)  # key -> its intake body
    retried: set[str] = field(default_factory=set)  # keys sent more than once
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self, clients: int) -> None:
        for n in range(clients):
            self.threads.append(threading.Thread(target=self._client, args=(n,), daemon=True,
                                                 name=f"client-{n}"))
        self.threads.append(threading.Thread(target=self._probe, daemon=True, name="healthz"))
        for thread in self.threads:
            thread.start()

    def finish(self, timeout: float = 60) -> list[str]:
        """Stop the load; names of threads still running after `timeout`."""
        self.stop.set()
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return [t.name for t in self.threads if t.is_alive()]

    # -- one request --------------------------------------------------------------------
    def _call(self, session, client: int, kind: str, method: str, path: str, user: str,
              json=None, key: str | None = None, sink=None):
        headers = {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}
        if key:
            headers["Idempotency-Key"] = key
        t0 = time.monotonic()
        try:
            raw = session.request(method, self.base + path, json=json, headers=headers, timeout=30)
        except requests.RequestException as err:
            (self.records if sink is None else sink).append(Record(t0, time.monotonic(), client, kind, None,
                                                 error=type(err).__name__))
            return None, None
        t1 = time.monotonic()
        try:
            body = raw.json()
        except ValueError:
            body = None
        code = None
        if raw.status_code >= 400:
            error = body.get("error", {}) if isinstance(body, dict) else {"code": "not-json"}
            code = error.get("code")
            if code == UNAVAILABLE and (error.get("message") != UNAVAILABLE_MESSAGE
                                        or not raw.headers.get("Retry-After")):
                code += " (other message or no Retry-After)"
        (self.records if sink is None else sink).append(Record(t0, t1, client, kind, raw.status_code, code))
        return raw.status_code, body

    def _until_ok(self, session, client, kind, method, path, user, json=None, key=None):
        """Retry on 503 / no answer; (body or None when given up)."""
        while True:
            status, body = self._call(session, client, kind, method, path, user, json, key)
            if status is not None and 200 <= status < 300:
                return body
            if status not in (None, 503) or self.stop.is_set():
                return None
            if key:
                self.retried.add(key)
            time.sleep(self.retry_seconds)

    # -- the clients -------------------------------------------------------------------
    def _client(self, client: int) -> None:
        session = requests.Session()
        n = 0
        while not self.stop.is_set():
            n += 1
            key = f"c{client}-{n}"
            body = INTAKE | {"description": f"断库演练 {key}:厂区门口绿化带影响车辆进出",
                             "credit_code": self.credit_codes[(client + n) % len(self.credit_codes)]}
            self.bodies[key] = body
            case = self._until_ok(session, client, "intake", "POST", "/api/cases", "agent1",
                                  json=body, key=key)
            if case is None:
                continue
            self.keys.setdefault(key, []).append(case["number"])
            number = case["number"]
            if self._until_ok(session, client, "get_case", "GET", f"/api/cases/{number}",
                              "agent1") is None:
                continue
            page = self._until_ok(session, client, "list_tasks", "GET",
                                  f"/api/tasks?case_number={number}&per_page=20", "dispatcher1")
            task = next((t for t in (page or {}).get("items", []) if t["name"] == "dispatch"), None)
            if task is None:
                continue
            self._until_ok(session, client, "complete", "POST", f"/api/tasks/{task['id']}/complete",
                           "dispatcher1", json={"data": DISPATCH}, key=f"{key}-d")
        session.close()

    def _probe(self) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            self._call(session, -1, "healthz", "GET", "/healthz", "", sink=self.healthz)
            self.stop.wait(0.2)
        session.close()

