"""POST /api/cases names every invalid field in one 422: the request schema's errors (types,
required fields, lengths, choices) and the intake service's (P2 identification, direct-reply
rules, the cited article) together; nothing is written; 401 and 403 come before validation."""
from __future__ import annotations

from sqlalchemy import func, select

from app.db.models import AuditEvent, Case, OutboxMessage
from app.demo.data import ENTERPRISES


def counts(rt):
    with rt.uow() as uow:
        return tuple(uow.session.scalar(select(func.count()).select_from(m))
                     for m in (Case, AuditEvent, OutboxMessage))


def refused(api, rt, username, body) -> dict[str, list[str]]:
    before = counts(rt)
    response = api.as_(username).post("/api/cases", json=body)
    assert response.status == 422, response
    error = response.json["error"]
    assert error["code"] == "validation_failed" and error["message"]
    assert counts(rt) == before
    return error["fields"]


def test_a_missing_description_and_a_bad_credit_code_in_one_answer(api, rt):
    fields = refused(api, rt, "agent1", {"kind": "投诉", "credit_code": "123"})
    assert set(fields) == {"description", "credit_code"}
    assert fields["description"] == ["必填"]
    assert fields["credit_code"] == ["统一社会信用代码长度须为18位"]


def test_missing_kind_unknown_domain_and_a_too_long_contact_name(api, rt):
    fields = refused(api, rt, "agent1", {
        "description": "厂区门口路灯损坏", "credit_code": ENTERPRISES[0]["credit_code"],
        "domain": "火星事务", "contact_name": "名" * 51})
    assert set(fields) == {"kind", "domain", "contact_name"}
    assert fields["kind"] == ["必填"]
    assert fields["domain"] == ["未知的诉求领域"]
    assert fields["contact_name"] == ["不能超过 50 字（现有 51 字），请删减"]


def test_an_unknown_enterprise_phone_and_a_missing_description(api, rt):
    fields = refused(api, rt, "agent1", {"kind": "咨询", "phone": "0760-88990011"})
    assert fields == {"description": ["必填"], "phone": ["该电话未登记为企业联系电话"]}


def test_the_schema_names_a_wrong_type_and_an_unknown_field_beside_the_service(api, rt):
    fields = refused(api, rt, "agent1", {
        "kind": "投诉", "description": 5, "note": "x", "kb_article_id": 1})
    assert fields["description"] == ["应为字符串"]
    assert fields["note"] == ["不允许的字段"]
    assert fields["credit_code"] == ["请提供统一社会信用代码或企业登记电话"]
    assert fields["kb_article_id"] == ["只有直接答复可以引用知识库答复"]


def test_an_enterprise_user_hears_of_every_field_too(api, rt):
    fields = refused(api, rt, "ent1", {"kind": "建议", "channel": "sms",
                                       "contact_phone": "12345", "description": ""})
    assert set(fields) == {"channel", "contact_phone", "description"}


def test_a_body_that_is_not_an_object_is_refused_as_a_whole(api, rt):
    assert refused(api, rt, "agent1", ["投诉"]) == {"_schema": ["应为对象"]}


def test_a_valid_body_is_still_201(api, rt):
    response = api.as_("agent1").post("/api/cases", json={
        "kind": "投诉", "description": "厂区门口路灯损坏,夜间货车进出不便",
        "credit_code": ENTERPRISES[0]["credit_code"], "contact_name": "名" * 50})
    assert response.status == 201, response
    assert response.json["number"]


def test_anonymous_is_401_before_any_validation(api, rt):
    before = counts(rt)
    response = api.anonymous().post("/api/cases", json={"kind": "投诉", "credit_code": "123"})
    assert response.status == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.json["error"]["fields"] == {}
    assert counts(rt) == before


def test_a_unit_user_is_403_before_any_validation(api, rt):
    before = counts(rt)
    response = api.as_("spec_cgj").post("/api/cases", json={"kind": "投诉"})
    assert response.status == 403
    assert response.json["error"]["code"] == "forbidden"
    assert response.json["error"]["fields"] == {}
    assert counts(rt) == before


def test_the_openapi_document_still_describes_the_body(api):
    spec = api.anonymous().get("/api/openapi.json").json
    body = spec["paths"]["/api/cases"]["post"]["requestBody"]["content"]["application/json"]
    ref = body["schema"]["$ref"].rsplit("/", 1)[-1]
    schema = spec["components"]["schemas"][ref]
    assert set(schema["required"]) == {"kind", "description"}
    assert schema["properties"]["description"]["maxLength"] == 4000
    assert "投诉" in schema["properties"]["kind"]["enum"]
    assert "422" in spec["paths"]["/api/cases"]["post"]["responses"]
