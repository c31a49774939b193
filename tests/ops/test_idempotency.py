"""Idempotency-Key on case intake and task completion: a retry returns the first result and
changes nothing (SQLite and PostgreSQL)."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from app.db.models import AuditEvent, Case, IdempotencyKey
from app.demo.data import ENTERPRISES

BODY = {"kind": "投诉", "description": "厂区门口绿化带影响车辆进出,请求协调移植",
        "credit_code": ENTERPRISES[1]["credit_code"], "domain": "城市管理"}


def _count(rt, model, *where):
    with rt.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where))


def _post(api, user, url, body, key, client=None):
    headers = {"Authorization": f"Bearer {api.token(user)}", "Idempotency-Key": key}
    raw = (client or api.client).post(url, json=body, headers=headers)
    return raw.status_code, raw.get_json(), raw.headers


def test_retried_intake_returns_the_first_case_and_creates_no_other(api, rt):
    first = _post(api, "agent1", "/api/cases", BODY, "intake-1")
    again = _post(api, "agent1", "/api/cases", BODY, "intake-1")
    assert first[0] == again[0] == 201
    assert again[1] == first[1] and again[1]["number"]
    assert again[2]["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first[2]
    assert _count(rt, Case) == 1
    assert _count(rt, AuditEvent, AuditEvent.action == "intake") == 1


def test_same_key_with_another_body_is_refused_and_writes_nothing(api, rt):
    assert _post(api, "agent1", "/api/cases", BODY, "k")[0] == 201
    status, body, _ = _post(api, "agent1", "/api/cases", BODY | {"description": "另一件事"}, "k")
    assert status == 422 and body["error"]["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in body["error"]["fields"]
    assert _count(rt, Case) == 1


def test_keys_are_per_user(api, rt):
    assert _post(api, "agent1", "/api/cases", BODY, "shared")[0] == 201
    status, body, headers = _post(api, "agent2", "/api/cases", BODY, "shared")
    assert status == 201 and "Idempotent-Replayed" not in headers
    assert _count(rt, Case) == 2


def test_a_failed_request_stores_nothing_and_its_retry_runs(api, rt):
    status, body, _ = _post(api, "agent1", "/api/cases", BODY | {"kind": "闲聊"}, "bad")
    assert status == 422 and body["error"]["code"] == "validation_failed"
    assert _count(rt, IdempotencyKey) == 0
    assert _post(api, "agent1", "/api/cases", BODY, "bad")[0] == 201


def test_invalid_keys_are_refused_with_the_error_shape(api, rt):
    for key in ("x" * 201, "带中文的键", "a b"):
        status, body, _ = _post(api, "agent1", "/api/cases", BODY, key)
        assert status == 400, key
        assert body["error"]["fields"]["Idempotency-Key"]
    assert _count(rt, Case) == 0


def test_retried_task_completion_returns_the_first_result(api, rt):
    number = api.submit()["number"]
    task = api.as_("dispatcher1").task_for(number, "dispatch")
    url = f"/api/tasks/{task['id']}/complete"
    data = {"data": {"unit_code": "cgj", "override_reason": "派单员判断"}}
    first = _post(api, "dispatcher1", url, data, "done-1")
    again = _post(api, "dispatcher1", url, data, "done-1")
    assert first[0] == again[0] == 200 and again[1] == first[1]
    assert again[2]["Idempotent-Replayed"] == "true"
    assert _count(rt, AuditEvent, AuditEvent.action == "complete_task") == 1
    # Without the key the same retry is an ordinary conflict: the task is done.
    raw = api.as_("dispatcher1").post(url, json=data)
    assert raw.status == 409


def test_retried_rating_returns_the_first_result_and_rates_once(api, rt):
    number = api.submit()["number"]
    api.dispatch(number)
    api.unit_handles(number)
    url = f"/api/cases/{number}/rating"
    first = _post(api, "ent2", url, {"rating": "不满意", "rating_comment": "没解决"}, "rate-1")
    again = _post(api, "ent2", url, {"rating": "不满意", "rating_comment": "没解决"}, "rate-1")
    assert first[0] == again[0] == 200 and again[1] == first[1]
    assert again[2]["Idempotent-Replayed"] == "true"
    assert first[1]["dissatisfied_rounds"] == 1
    assert _count(rt, AuditEvent, AuditEvent.action == "rating") == 1


def test_the_openapi_document_names_the_header(api):
    doc = api.client.get("/api/openapi.json").get_json()
    for path, method in (("/api/cases", "post"), ("/api/tasks/{task_id}/complete", "post"),
                         ("/api/cases/{number}/rating", "post")):
        names = [p["name"] for p in doc["paths"][path][method].get("parameters", [])]
        assert "Idempotency-Key" in names, path


def test_concurrent_duplicates_run_the_command_once(api, rt):
    """Two identical requests at the same moment: one intake; the other replays it or is 409."""
    barrier = threading.Barrier(2, timeout=20)
    results = [None, None]

    def send(i):
        client = api.app.test_client()
        barrier.wait()
        results[i] = _post(api, "agent1", "/api/cases", BODY, "race", client=client)
    api.token("agent1")
    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(r[0] for r in results)
    print("concurrent duplicate statuses", statuses, [r[2].get("Idempotent-Replayed") for r in results])
    assert statuses in ([201, 201], [201, 409]), results
    winners = [r for r in results if r[0] == 201]
    assert len({r[1]["number"] for r in winners}) == 1
    loser = next((r for r in results if r[0] == 409), None)
    assert loser is None or loser[1]["error"]["code"] == "conflict"
    assert _count(rt, Case) == 1


def test_purge_removes_keys_past_the_retention(api, rt, app):
    from datetime import timedelta

    from app.clock import FixedClock
    assert _post(api, "agent1", "/api/cases", BODY, "old")[0] == 201
    runner = app.test_cli_runner()
    assert "purged 0" in runner.invoke(args=["qisu", "purge-idempotency-keys"]).output
    rt.clock = FixedClock(rt.clock.now() + timedelta(hours=25))
    assert "purged 1" in runner.invoke(args=["qisu", "purge-idempotency-keys"]).output
    assert _count(rt, IdempotencyKey) == 0
