"""The clients of `bench/load.py`: threads that drive the dual loop over real HTTP (`requests`).

One case = intake (POST /api/cases with an Idempotency-Key) → dispatch → sign/contact/propose/
reply → rate 不满意 → supervise → sign/contact/propose/reply → rate 满意 → closed. Like
tests/support.py's `complete`, every task is looked up with GET /api/tasks?case_number=… first
(the worklist query), then completed: 23 requests and 13 steps (intake, 10 completions, 2
ratings) per case. A *racer* client posts every completion twice at the same moment on two
connections: one must win (200), the other gets the expected 409, counted apart from errors.
"""
from __future__ import annotations

import math
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

import requests

from app.demo.data import ENTERPRISES  # ent2, who rates, belongs to enterprise 1
from raw_engine import DISPATCH, SUPERVISE, unit_steps
from serving import login

USERS = ("agent1", "dispatcher1", "spec_cgj", "ent2", "supervisor1")
CASE_BODY = {"kind": "投诉", "description": "厂区门口绿化带影响车辆进出,请求协调移植",
             "credit_code": ENTERPRISES[1]["credit_code"], "domain": "城市管理", "town": ""}
TIMEOUT = 120


class Stats:
    """Latencies per endpoint and outcome counters, recorded only while `recording` is set."""

    def __init__(self):
        self.lock = threading.Lock()
        self.recording = False
        self.latency = defaultdict(list)      # label -> [seconds]
        self.status = defaultdict(Counter)    # label -> {status: n}
        self.errors = Counter()               # "label status: message" -> n
        self.expected_409 = 0
        self.race_anomalies = Counter()
        self.steps = 0
        self.cases = 0

    def request(self, label: str, status: int, seconds: float) -> None:
        with self.lock:
            if self.recording:
                self.latency[label].append(seconds)
                self.status[label][status] += 1

    def count(self, field: str, n: int = 1) -> None:
        with self.lock:
            if self.recording:
                setattr(self, field, getattr(self, field) + n)

    def error(self, what: str) -> None:
        with self.lock:
            if self.recording:
                self.errors[what[:160]] += 1

    def anomaly(self, what: str) -> None:
        with self.lock:
            if self.recording:
                self.race_anomalies[what] += 1


class LoopFailed(Exception):
    pass


class Client(threading.Thread):
    def __init__(self, base: str, tokens: dict, stats: Stats, stop: threading.Event,
                 racer: bool = False):
        super().__init__(daemon=True)
        self.base, self.tokens, self.stats, self.stop, self.racer = base, tokens, stats, stop, racer
        self.http = requests.Session()
        self.second = requests.Session() if racer else None  # the racing twin connection
        self.pool = ThreadPoolExecutor(2) if racer else None

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.drive_case()
            except LoopFailed:
                pass  # recorded; start a fresh case
            except requests.RequestException as err:
                self.stats.error(f"transport: {type(err).__name__}")
                time.sleep(0.2)

    # -- HTTP ---------------------------------------------------------------------------
    def call(self, label, method, path, user, session=None, headers=None, **kwargs):
        headers = {"Authorization": f"Bearer {self.tokens[user]}"} | (headers or {})
        start = time.perf_counter()
        raw = (session or self.http).request(method, self.base + path, headers=headers,
                                             timeout=TIMEOUT, **kwargs)
        self.stats.request(label, raw.status_code, time.perf_counter() - start)
        return raw

    def expect(self, raw, label: str, status: int = 200) -> dict:
        if raw.status_code != status:
            try:
                message = raw.json().get("message") or raw.json().get("code")
            except ValueError:
                message = raw.text[:80]
            self.stats.error(f"{label} {raw.status_code}: {message}")
            raise LoopFailed(label)
        return raw.json()

    # -- the loop -----------------------------------------------------------------------
    def drive_case(self) -> None:
        raw = self.call("POST /api/cases", "POST", "/api/cases", "agent1", json=CASE_BODY,
                        headers={"Idempotency-Key": uuid.uuid4().hex})
        number = self.expect(raw, "POST /api/cases", 201)["number"]
        self.stats.count("steps")
        self.step(number, "dispatcher1", "dispatch", DISPATCH)
        self.handle(number)
        case = self.rate(number, "不满意")
        if case["status"] != "supervising":
            self.stats.error(f"after 不满意: status {case['status']}")
            raise LoopFailed("rate")
        self.step(number, "supervisor1", "supervise", SUPERVISE)
        self.handle(number)
        case = self.rate(number, "满意")
        if case["status"] != "closed" or case["dissatisfied_rounds"] != 1:
            self.stats.error(f"after 满意: status {case['status']}")
            raise LoopFailed("rate")
        self.stats.count("cases")

    def handle(self, number: str) -> None:
        for name, data in unit_steps():
            self.step(number, "spec_cgj", name, data)

    def rate(self, number: str, rating: str) -> dict:
        label = "POST /api/cases/<no>/rating"
        body = {"rating": rating} | ({"rating_comment": "问题没有解决"} if "不满意" in rating else {})
        raw = self.call(label, "POST", f"/api/cases/{number}/rating", "ent2", json=body)
        case = self.expect(raw, label)
        self.stats.count("steps")
        return case

    def step(self, number: str, user: str, name: str, data: dict) -> dict:
        raw = self.call("GET /api/tasks", "GET", "/api/tasks", user,
                        params={"case_number": number, "name": name})
        items = self.expect(raw, "GET /api/tasks")["items"]
        if not items:
            self.stats.error(f"no open task {name}")
            raise LoopFailed(name)
        path = f"/api/tasks/{items[0]['id']}/complete"
        label = "POST /api/tasks/<id>/complete"
        if not self.racer:
            case = self.expect(self.call(label, "POST", path, user, json={"data": data}), label)
            self.stats.count("steps")
            return case
        return self.race(label, path, user, data)

    def race(self, label: str, path: str, user: str, data: dict) -> dict:
        """Both connections complete the same task at once: exactly one may win."""
        barrier = threading.Barrier(2)

        def attempt(session):
            barrier.wait()
            return self.call(label, "POST", path, user, session=session, json={"data": data})

        results = list(self.pool.map(attempt, (self.http, self.second)))
        codes = sorted(r.status_code for r in results)
        winners = [r for r in results if r.status_code == 200]
        if codes == [200, 409]:
            self.stats.count("expected_409")
        else:
            self.stats.anomaly(f"race {codes}")
            for r in results:
                if r.status_code not in (200, 409):
                    self.expect(r, label)
        if not winners:
            raise LoopFailed("race without winner")
        self.stats.count("steps")
        return winners[0].json()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))  # nearest rank
    return ordered[index]


def run_clients(base: str, clients: int, racers: int, duration: float,
                warmup: float, echo=print, during=None) -> Stats:
    """`during(deadline)` runs in this thread while measuring (default: sleep until then)."""
    tokens = login(base, USERS, TIMEOUT)
    stats, stop = Stats(), threading.Event()
    threads = [Client(base, tokens, stats, stop, racer=i < racers) for i in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(warmup)
    stats.recording = True
    started = time.perf_counter()
    (during or (lambda end: time.sleep(max(0.0, end - time.perf_counter()))))(started + duration)
    time.sleep(max(0.0, started + duration - time.perf_counter()))
    stats.recording = False
    stats.seconds = time.perf_counter() - started
    stop.set()
    echo(f"  measured {stats.seconds:.1f} s; waiting for the clients' last requests …")
    for thread in threads:
        thread.join(TIMEOUT)
    return stats
