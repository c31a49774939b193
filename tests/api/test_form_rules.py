"""Form values mean what they say (issue 16): a dissatisfied rating carries its reason (P10/P11),
formats are checked, a contact time lies between the dispatch and now (P5), the rating task shows
when the revisit comes (P11). Bad input: a field error, the task still open, the trail unchanged."""
from __future__ import annotations

import json
import re

import pytest

from app import create_app
from tests.api.test_pages_tasks import as_user, field_errors, field_html, post_form
from tests.support import CONTACT

FORMAT = "格式应为日期时间"


def answered(api) -> str:
    number = api.submit()["number"]
    assert api.dispatch(number, "cgj").status == 200
    api.unit_handles(number)
    return number


def trail(api, number: str) -> list[tuple]:
    events = api.as_("supervisor1").get(f"/api/cases/{number}/history").json["events"]
    return [(e["action"], e["task_id"]) for e in events]


@pytest.mark.parametrize("rating", ["不满意", "非常不满意"])
def test_a_dissatisfied_rating_without_reason_is_refused_and_nothing_written(api, rating):
    number = answered(api)
    before = trail(api, number)
    enterprise = api.as_("ent2")
    for comment, says in ((None, "必填"), ("", "不能为空"), ("  ", "不能为空")):
        body = {"rating": rating} | ({} if comment is None else {"rating_comment": comment})
        response = enterprise.post(f"/api/cases/{number}/rating", json=body)
        assert response.status == 422, response
        assert response.json["error"]["fields"] == {"rating_comment": [f"满意度为不满意或非常不满意时{says}"]}
    task = enterprise.task_for(number, "rate")                   # the same task, through its id
    response = enterprise.post(f"/api/tasks/{task['id']}/complete", json={"data": {"rating": rating}})
    assert response.status == 422 and "rating_comment" in response.json["error"]["fields"]
    assert trail(api, number) == before
    case = enterprise.get(f"/api/cases/{number}").json
    assert case["status"] == "awaiting_rating" and case["rating"] is None
    assert enterprise.task_for(number, "rate")["status"] == "ready"

    assert api.rate(number, rating, comment="绿化带仍未移植").status == 200
    rated = [e for e in api.as_("supervisor1").get(f"/api/cases/{number}/history").json["events"]
             if e["action"] == "rating"]
    assert rated[0]["after"]["comment"] == "绿化带仍未移植"


def test_a_satisfied_rating_needs_no_reason(api):
    number = answered(api)
    assert api.rate(number, "满意", comment="").status == 200


def test_the_rate_form_schema_says_the_rule(api):
    number = answered(api)
    task = api.as_("ent2").task_for(number, "rate")
    schema = api.as_("ent2").get(f"/api/tasks/{task['id']}").json["form_schema"]
    rule = schema["allOf"][0]
    assert rule["if"]["properties"]["rating"]["enum"] == ["不满意", "非常不满意"]
    assert rule["then"]["required"] == ["rating_comment"]


@pytest.mark.parametrize("value", ["yesterday", "", "2026-13-01T00:00", "2026-11-23T10:00", "10:00"])
def test_a_contact_time_in_no_date_time_format_is_refused(api, value):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    user = api.as_("spec_cgj")
    assert user.complete(number, "sign", {}).status == 200
    before = trail(api, number)
    response = user.complete(number, "contact", {"contacted_at": value, "contact_method": "电话"})
    assert response.status == 422, response
    assert response.json["error"]["fields"] == {"contacted_at": [f"{FORMAT}，如 2026-11-23T10:30:00+08:00"]}
    assert trail(api, number) == before
    assert user.task_for(number, "contact")["status"] == "ready"


def test_a_contact_time_in_a_new_round_is_not_before_that_rounds_dispatch(api, rt):
    number = answered(api)                                      # round 1 dispatched 10:00
    assert api.rate(number, "不满意").status == 200
    rt.clock.advance(days=1)                                    # 11-24 10:00
    assert api.as_("supervisor1").complete(number, "supervise", {"instruction": "请重新联系企业"}).status == 200
    user = api.as_("spec_cgj")
    assert user.complete(number, "sign", {}).status == 200
    rt.clock.advance(minutes=30)
    late = user.complete(number, "contact", CONTACT)           # 11-23 10:00: the first round's time
    assert late.status == 422
    assert late.json["error"]["fields"] == {
        "contacted_at": ["联系时间不能早于派单给本单位的时间 2026-11-24 10:00（北京时间）"]}
    ok = user.complete(number, "contact", CONTACT | {"contacted_at": "2026-11-24T10:20:00+08:00"})
    assert ok.status == 200, ok


def test_the_contact_skew_is_a_setting(api, rt, monkeypatch):
    monkeypatch.setitem(rt.settings, "contact_skew_minutes", 0)
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    user = api.as_("spec_cgj")
    assert user.complete(number, "sign", {}).status == 200
    ahead = user.complete(number, "contact", CONTACT | {"contacted_at": "2026-11-23T10:01:00+08:00"})
    assert ahead.json["error"]["fields"]["contacted_at"] == ["联系时间不能晚于现在，最晚为 2026-11-23 10:00（北京时间）"]
    assert user.complete(number, "contact", CONTACT).status == 200


def test_the_rating_task_is_due_when_the_revisit_comes(api, rt, monkeypatch):
    monkeypatch.setitem(rt.settings, "rating_timeout_hours", 1.5)
    number = answered(api)
    task = api.as_("ent2").task_for(number, "rate")
    assert task["due_at"] == "2026-11-23T11:30:00+08:00" and task["seconds_left"] == 5400
    assert task["deadline_clock"] is None
    rt.clock.advance(minutes=20)
    assert api.as_("ent2").task_for(number, "rate")["seconds_left"] == 4200


@pytest.mark.parametrize("value", ["abc", "0", "-1", "nan", "inf"])
def test_nonsense_rating_timeout_stops_the_start_up(database_url, monkeypatch, value):
    monkeypatch.setenv("QISU_RATING_TIMEOUT_HOURS", value)
    with pytest.raises(ValueError, match="QISU_RATING_TIMEOUT_HOURS must be a number above zero"):
        create_app({"TESTING": True, "DATABASE_URL": database_url, "QISU_AUTO_DEPLOY": False})


def test_fractional_rating_timeout_is_accepted(database_url, monkeypatch):
    monkeypatch.setenv("QISU_RATING_TIMEOUT_HOURS", "0.5")
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "QISU_AUTO_DEPLOY": False})
    assert app.extensions["qisu"].settings["rating_timeout_hours"] == 0.5
    assert app.extensions["qisu"].settings["contact_skew_minutes"] == 5


def test_a_form_with_a_format_nobody_checks_is_not_deployed(api):
    schema = {"type": "object", "properties": {"when": {"type": "string", "format": "made-up"}}}
    response = api.as_("designer1").post("/api/deployments/validate", json={
        "filename": "forms/contact.schema.json", "content": json.dumps(schema)})
    assert response.status == 200 and response.json["ok"] is False
    assert "不能校验的格式：made-up" in json.dumps(response.json["errors"], ensure_ascii=False)


def test_the_rating_page_shows_the_rule_and_keeps_the_input(app, api):
    number = answered(api)
    task = api.as_("ent2").task_for(number, "rate")["id"]
    enterprise = as_user(app, "ent2")
    page = enterprise.get(f"/tasks/{task}").get_data(as_text=True)
    reason = field_html(page, "rating_comment")
    assert 'data-required-when="rating"' in reason and "不满意" in reason
    assert "评价为不满意或非常不满意时须填写理由" in reason           # the help text, without script
    assert "js/form_rules.js" in page
    assert re.search(r'id="task-due">2026-11-26 10:00 <span class="due ', page)  # P11: when the revisit comes
    response = post_form(enterprise, f"/tasks/{task}", {"rating": "不满意", "rating_comment": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "rating_comment") == ["满意度为不满意或非常不满意时必填"]
    assert '<option value="不满意" selected>' in field_html(html, "rating")
    assert api.as_("ent2").task_for(number, "rate")["status"] == "ready"


def test_the_approval_page_offers_an_optional_earlier_date_left_empty(app, api):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    assert api.as_("spec_cgj").complete(number, "sign", {}).status == 200
    assert api.as_("spec_cgj").post(f"/api/cases/{number}/extension-requests", json={
        "reason": "需两部门会商", "requested_due": "2026-12-09T18:00:00+08:00"}).status == 201
    task = api.as_("supervisor1").task_for(number, "approve_extension")["id"]
    page = as_user(app, "supervisor1").get(f"/tasks/{task}").get_data(as_text=True)
    approved = field_html(page, "approved_due")
    assert 'type="datetime-local"' in approved and 'value=""' in approved and "required" not in approved
