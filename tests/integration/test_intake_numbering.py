"""Issue 17 §1: a slow intake holds nothing another intake needs (the day's case-number counter
is taken in a short transaction of its own, not across the workflow engine run)."""
from __future__ import annotations

import threading

import pytest

from app.demo.data import ENTERPRISES


def _intake(app, token: str, description: str) -> tuple[int, dict]:
    raw = app.test_client().post("/api/cases", headers={"Authorization": f"Bearer {token}"}, json={
        "kind": "咨询", "description": description, "domain": "城市管理",
        "credit_code": ENTERPRISES[3]["credit_code"]})
    return raw.status_code, raw.get_json()


def test_a_slow_intake_does_not_delay_another(api, rt, monkeypatch, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite lets one writer at a time into the whole database, so a second intake "
                    "waits for the first by design there; this runs on PostgreSQL (DATABASE_URL)")
    # Same day, kind and domain: both count in one P18 insight rollup row (migration 0012 defers
    # that count to the intake's commit).
    token = api.token("agent1")
    inside, release = threading.Event(), threading.Event()
    original = rt.runner.start

    def start(bundle, variables):   # the first intake stops inside the engine run
        if variables["description"] == "慢":
            inside.set()
            assert release.wait(60), "the test never released the slow intake"
        return original(bundle, variables)
    monkeypatch.setattr(rt.runner, "start", start)

    results: dict[str, tuple[int, dict]] = {}
    slow = threading.Thread(target=lambda: results.update(slow=_intake(api.app, token, "慢")))
    slow.start()
    try:
        assert inside.wait(60), "the slow intake never reached the engine"
        fast = threading.Thread(target=lambda: results.update(fast=_intake(api.app, token, "快")))
        fast.start()
        fast.join(60)
        # The second intake completed while the first is still held inside its engine run.
        assert not fast.is_alive() and "slow" not in results, "the second intake waited for the first"
        status, body = results["fast"]
        assert status == 201, body
        assert api.as_("supervisor1").get(f"/api/cases/{body['number']}").status == 200
    finally:
        release.set()
        slow.join(60)
    assert results["slow"][0] == 201, results["slow"]
    slow_no, fast_no = results["slow"][1]["number"], results["fast"][1]["number"]
    assert slow_no != fast_no
    # The slow one took its number first: the numbers are in arrival order, not commit order.
    assert slow_no.endswith("-000001") and fast_no.endswith("-000002")
    # The number the process saw during the run is the case's own (process variable case_no).
    case = api.as_("supervisor1").get(f"/api/cases/{slow_no}").json
    assert case["number"] == slow_no
