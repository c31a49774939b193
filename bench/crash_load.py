"""The crash test's clients: log-in, the designer's SLA rule, and case loops over the HTTP API
that survive dead processes.

Each client thread drives cases through the real HTTP API (`requests`): intake with an
`Idempotency-Key`, dispatch, the unit's four steps, rating (every fourth case goes round once
dissatisfied: supervise, the unit again, then 满意). Task completions carry an Idempotency-Key
too; a connection error, a 5xx or a 409 (a concurrent timer, a duplicate still in flight) is
retried with the same key, so a command that committed before its process died is replayed, not
run twice; the rating too (its endpoint takes the header as well). When the load ends, a client leaves its case at the next step boundary (a
request being retried is always finished first). `Stats.acks` records every intake key that got
a 2xx and the number it returned.
"""
from __future__ import annotations

import random
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

UNITS = (("cgj", "spec_cgj"), ("rsj", "spec_rsj"), ("zjj", "spec_zjj"), ("scjgj", "spec_scjgj"))
RATERS = ("ent1", "ent2", "ent3")  # enterprise index 0, 1, 2 of app.demo.data.ENTERPRISES
CONTACT = {"contacted_at": "2026-11-23T10:30:00+08:00", "contact_method": "电话"}
UNIT_STEPS = (("sign", {}), ("contact", CONTACT), ("propose", {"solution": "协调相关部门处理"}),
              ("reply", {"result": "解决", "reply_text": "已协调解决"}))
TIMER_KIND = "建议"  # the crash test's SLA rule gives this kind a 1-minute response limit
RETRY_FOR = 120.0    # seconds a client keeps retrying one request before it gives up
ROOT = Path(__file__).resolve().parent.parent
USERS = ("agent1", "agent2", "dispatcher1", "supervisor1", "designer1", "spec_cgj", "spec_rsj",
         "spec_zjj", "spec_scjgj", "ent1", "ent2", "ent3")
CRASH_RULE = f"""      <rule id="rule_crash">
        <description>压测(bench/crash.py):{TIMER_KIND}类诉求 1 分钟响应,预警比例 0.5</description>
        <inputEntry id="rule_crash_red_list"><text></text></inputEntry>
        <inputEntry id="rule_crash_matter_class"><text></text></inputEntry>
        <inputEntry id="rule_crash_kind"><text>"{TIMER_KIND}"</text></inputEntry>
        <outputEntry id="rule_crash_response_minutes"><text>1</text></outputEntry>
        <outputEntry id="rule_crash_solution_minutes"><text>1440</text></outputEntry>
        <outputEntry id="rule_crash_resolution_minutes"><text>10080</text></outputEntry>
        <outputEntry id="rule_crash_response_calendar"><text>"natural"</text></outputEntry>
        <outputEntry id="rule_crash_solution_calendar"><text>"natural"</text></outputEntry>
        <outputEntry id="rule_crash_resolution_calendar"><text>"working"</text></outputEntry>
        <outputEntry id="rule_crash_warn_ratio"><text>0.5</text></outputEntry>
        <outputEntry id="rule_crash_return_minutes"><text>120</text></outputEntry>
        <outputEntry id="rule_crash_restart_on_return"><text>True</text></outputEntry>
      </rule>
"""


def deploy_crash_rule(base: str, token: str) -> int:
    """The designer's change: sla.dmn with CRASH_RULE first (the table takes the first match)."""
    content = (ROOT / "workflows" / "sla.dmn").read_text(encoding="utf-8")
    marker = '      <rule id="rule_01">'
    assert marker in content, "sla.dmn changed: update CRASH_RULE's anchor"
    raw = requests.post(base + "/api/deployments", timeout=60,
                        headers={"Authorization": f"Bearer {token}"},
                        json={"filename": "sla.dmn",
                              "content": content.replace(marker, CRASH_RULE + marker, 1)})
    if raw.status_code != 201:
        raise RuntimeError(f"deploying the crash rule: {raw.status_code} {raw.text[:300]}")
    return raw.json()["id"]


class GaveUp(Exception):
    pass


class Stopped(Exception):
    """The load is over: the case stays where it is (the checks advance it)."""


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}
        self.acks: list[dict] = []      # intake keys answered 2xx: key, user, number
        self.timer_cases: list[str] = []
        self.errors: list[str] = []
        self.intake_keys = True  # False: the control run (--intake-without-key)
        self.timeout = 30.0      # seconds a client waits for an answer (--client-timeout)

    def add(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.counts[name] = self.counts.get(name, 0) + n


class Client:
    def __init__(self, base: str, tokens: dict[str, str], stats: Stats, rng: random.Random,
                 stop: threading.Event | None = None):
        self.base, self.tokens, self.stats, self.rng = base, tokens, stats, rng
        self.stop = stop or threading.Event()
        self.http = requests.Session()

    def call(self, method: str, path: str, user: str, body=None, key: str | None = None):
        """The first non-retryable answer (status, json); retries dead-process symptoms."""
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        if key:
            headers["Idempotency-Key"] = key
        deadline = time.monotonic() + RETRY_FOR
        attempt = 0
        while True:
            attempt += 1
            try:
                raw = self.http.request(method, self.base + path, json=body, headers=headers,
                                        timeout=(5, self.stats.timeout))
                status = raw.status_code
                if status < 500 and status != 409:
                    if attempt > 1:
                        self.stats.add("answered after retry")
                    if raw.headers.get("Idempotent-Replayed"):
                        self.stats.add("idempotent replays")
                    return status, raw.json() if raw.content else None
                self.stats.add(f"retried {status}")
            except requests.RequestException as err:
                self.stats.add(f"retried {type(err).__name__}")
                self.http.close()
                self.http = requests.Session()
            if time.monotonic() > deadline:
                raise GaveUp(f"{method} {path}: no answer after {attempt} attempts")
            time.sleep(min(2.0, 0.2 * attempt) * (0.5 + self.rng.random()))

    def submit(self, agent: str, enterprise_code: str, kind: str, domain: str) -> dict:
        key = f"crash-{uuid.uuid4().hex}"
        body = {"kind": kind, "description": f"压测诉求:厂区门口道路积水影响进出 [{key}]",
                "credit_code": enterprise_code, "domain": domain, "town": ""}
        keyed = self.stats.intake_keys
        status, case = self.call("POST", "/api/cases", agent, body, key=key if keyed else None)
        if status != 201:
            raise GaveUp(f"intake answered {status}: {case}")
        with self.stats.lock:
            self.stats.acks.append({"key": key, "user": agent, "number": case["number"],
                                    "keyed": keyed})
        self.stats.add("intakes acknowledged")
        return case

    def step(self, case: dict, user: str, name: str, data: dict) -> dict:
        if self.stop.is_set():
            raise Stopped
        task = next((t for t in case.get("open_tasks") or [] if t["name"] == name), None)
        if task is None:
            raise GaveUp(f"{case['number']}: no open task {name} (open: "
                         f"{[t['name'] for t in case.get('open_tasks') or []]})")
        if name == "contact":  # P5: a contact time is now, not in the future nor before the dispatch
            data = {**data, "contacted_at": datetime.now(timezone(timedelta(hours=8))).isoformat(
                timespec="seconds")}
        return self._write(f"/api/tasks/{task['id']}/complete", user, {"data": data},
                           f"{case['number']} {name}", "tasks completed")

    def rate(self, case: dict, rater: str, rating: str) -> dict:
        if self.stop.is_set():
            raise Stopped
        body = {"rating": rating} | ({"rating_comment": "问题没有解决"} if "不满意" in rating else {})
        self._write(f"/api/cases/{case['number']}/rating", rater, body,
                    f"{case['number']} rating", "ratings")
        # The enterprise's answer is its P17 view, without open tasks: the supervisor reads the case.
        status, answer = self.call("GET", f"/api/cases/{case['number']}", "supervisor1", None)
        if status != 200:
            raise GaveUp(f"{case['number']}: reading the case after rating answered {status}")
        return answer

    def _write(self, path: str, user: str, body: dict, what: str, stat: str) -> dict:
        """POST with a fresh Idempotency-Key (retries reuse it); the case as answered."""
        status, answer = self.call("POST", path, user, body, key=f"crash-{uuid.uuid4().hex}")
        if status != 200:
            raise GaveUp(f"{what} answered {status}: {answer}")
        self.stats.add(stat)
        return answer

    def handle(self, case: dict, specialist: str) -> dict:
        for name, data in UNIT_STEPS:
            case = self.step(case, specialist, name, data)
        return case

    def loop(self, n: int) -> None:
        """One case from intake to closed (every fourth once dissatisfied)."""
        from app.demo.data import ENTERPRISES
        who = self.rng.randrange(len(RATERS))
        unit, specialist = UNITS[self.rng.randrange(len(UNITS))]
        case = self.submit(self.rng.choice(("agent1", "agent2")), ENTERPRISES[who]["credit_code"],
                           self.rng.choice(("投诉", "求助")), "城市管理")
        case = self.step(case, "dispatcher1", "dispatch",
                         {"unit_code": unit, "override_reason": "压测派单"})
        case = self.handle(case, specialist)
        if n % 4 == 3:
            case = self.rate(case, RATERS[who], "不满意")
            case = self.step(case, "supervisor1", "supervise", {"instruction": "请重新联系企业"})
            case = self.handle(case, specialist)
        self.rate(case, RATERS[who], "满意")
        self.stats.add("cases closed")

    def timer_case(self) -> None:
        """Intake + dispatch of a TIMER_KIND case, then left alone: its response warning and
        deadline fire during the run (30 s and 60 s after dispatch)."""
        from app.demo.data import ENTERPRISES
        case = self.submit("agent1", ENTERPRISES[0]["credit_code"], TIMER_KIND, "城市管理")
        self.step(case, "dispatcher1", "dispatch", {"unit_code": "cgj", "override_reason": "压测"})
        with self.stats.lock:
            self.stats.timer_cases.append(case["number"])


def run_client(index: int, base: str, tokens: dict, stats: Stats, stop: threading.Event,
               timer_delay: float | None, seed: int) -> None:
    """Case loops until `stop`; first, after `timer_delay` seconds, one timer case (if given)."""
    client = Client(base, tokens, stats, random.Random(seed * 1000 + index), stop)
    n = 0
    try:
        if timer_delay is not None:
            time.sleep(timer_delay)
            client.timer_case()
        while not stop.is_set():
            client.loop(n)
            n += 1
    except Stopped:
        stats.add("cases left open at the end")
    except GaveUp as err:
        stats.add("clients that gave up")
        with stats.lock:
            stats.errors.append(f"client {index}: {err}")
    except Exception as err:  # noqa: BLE001 - reported in the summary
        stats.add("client crashes")
        with stats.lock:
            stats.errors.append(f"client {index}: {type(err).__name__}: {err}")
