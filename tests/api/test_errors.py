"""Every error code has one JSON shape and a rejected request writes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.db.models import AuditEvent, Case, OutboxMessage
from app.demo.data import ENTERPRISES


def counts(rt):
    with rt.uow() as uow:
        return tuple(uow.session.scalar(select(func.count()).select_from(m))
                     for m in (Case, AuditEvent, OutboxMessage))


def assert_error(response, status, code, field=None):
    assert response.status == status, response
    error = response.json["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    if field:
        assert field in error["fields"], error["fields"]
    return error


def test_400_malformed_json_body(api, rt):
    before = counts(rt)
    raw = api.client.post("/api/cases", data="{not json", content_type="application/json",
                          headers={"Authorization": f"Bearer {api.token('agent1')}"})
    assert raw.status_code == 400
    body = raw.get_json()
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == "bad_request" and body["error"]["message"] == "请求体不是合法的 JSON"
    assert counts(rt) == before


def test_401_without_or_with_a_bad_token(api):
    assert_error(api.anonymous().get("/api/tasks"), 401, "unauthorized")
    bad = api.client.get("/api/tasks", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "unauthorized"


def test_401_wrong_password(api):
    response = api.anonymous().post("/api/auth/token", json={"username": "agent1", "password": "x"})
    assert_error(response, 401, "unauthorized")


def test_403_role_may_not_submit(api, rt):
    before = counts(rt)
    response = api.as_("spec_cgj").post("/api/cases", json={
        "kind": "投诉", "description": "x", "credit_code": ENTERPRISES[0]["credit_code"]})
    assert_error(response, 403, "forbidden")
    assert counts(rt) == before


def test_404_unknown_case_task_and_route(api):
    agent = api.as_("agent1")
    assert_error(agent.get("/api/cases/QS20990101-000001"), 404, "not_found")
    assert_error(agent.post("/api/tasks/does-not-exist/complete", json={"data": {}}), 404, "not_found")
    assert_error(agent.get("/api/no/such/route"), 404, "not_found")


def test_405_wrong_method(api):
    response = api.as_("agent1").post("/api/units", json={})
    assert response.status == 405 and response.json["error"]["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}  # RFC 9110


def test_409_completing_a_task_twice(api, rt):
    number = api.submit()["number"]
    task = api.as_("dispatcher1").task_for(number, "dispatch")
    first = api.as_("dispatcher1").post(f"/api/tasks/{task['id']}/complete",
                                        json={"data": {"unit_code": "cgj", "override_reason": "城管统一处理"}})
    assert first.status == 200
    before = counts(rt)
    second = api.as_("dispatcher1").post(f"/api/tasks/{task['id']}/complete",
                                         json={"data": {"unit_code": "cgj", "override_reason": "城管统一处理"}})
    assert_error(second, 409, "conflict")
    assert counts(rt) == before


def test_409_claim_taken_by_someone_else(api):
    number = api.submit()["number"]
    api.dispatch(number, "rsj")
    task = api.as_("spec_rsj").task_for(number, "sign")
    assert api.as_("spec_rsj").post(f"/api/tasks/{task['id']}/claim").status == 200
    # A second specialist of the same unit does not exist in the demo data; the claimant's
    # own second claim is idempotent, and completing by the same user works.
    assert api.as_("spec_rsj").post(f"/api/tasks/{task['id']}/claim").status == 200
    assert api.as_("spec_rsj").post(f"/api/tasks/{task['id']}/unclaim").status == 200
    assert_error(api.as_("spec_rsj").post(f"/api/tasks/{task['id']}/unclaim"), 409, "conflict")


def test_413_payload_too_large(api, rt):
    before = counts(rt)
    big = "诉" * (3 * 1024 * 1024)
    raw = api.client.post("/api/cases", json={"kind": "投诉", "description": big},
                          headers={"Authorization": f"Bearer {api.token('agent1')}"})
    assert raw.status_code == 413
    assert raw.get_json()["error"]["code"] == "payload_too_large"
    assert counts(rt) == before


@pytest.mark.parametrize("body, field", [
    ({"description": "缺少类型", "credit_code": ENTERPRISES[0]["credit_code"]}, "kind"),
    ({"kind": "抱怨", "description": "x", "credit_code": ENTERPRISES[0]["credit_code"]}, "kind"),
    ({"kind": "投诉", "credit_code": ENTERPRISES[0]["credit_code"]}, "description"),
    ({"kind": "投诉", "description": "x", "credit_code": "91350100M000100Y44"}, "credit_code"),
    ({"kind": "投诉", "description": "x", "phone": "12345"}, "phone"),
    ({"kind": "投诉", "description": "x"}, "credit_code"),
    ({"kind": "投诉", "description": "x", "credit_code": ENTERPRISES[0]["credit_code"],
      "surprise": 1}, "surprise"),
    ({"kind": "投诉", "description": "x", "credit_code": ENTERPRISES[0]["credit_code"],
      "direct_reply": "只能答复咨询"}, "direct_reply"),
])
def test_422_field_by_field_and_nothing_written(api, rt, body, field):
    before = counts(rt)
    error = assert_error(api.as_("agent1").post("/api/cases", json=body), 422, "validation_failed", field)
    assert all(isinstance(m, str) for m in error["fields"][field])
    assert counts(rt) == before


def test_422_task_form_is_validated_against_its_json_schema(api, rt):
    number = api.submit()["number"]
    api.dispatch(number)
    spec = api.as_("spec_cgj")
    spec.complete(number, "sign", {})
    before = counts(rt)
    error = assert_error(spec.complete(number, "contact", {"contact_method": "飞鸽传书"}),
                         422, "validation_failed")
    assert "contacted_at" in error["fields"] and "contact_method" in error["fields"]
    assert counts(rt) == before
    assert spec.task_for(number, "contact") is not None


def test_422_bad_query_parameters(api):
    assert_error(api.as_("agent1").get("/api/tasks", per_page=1000), 422, "validation_failed", "per_page")
