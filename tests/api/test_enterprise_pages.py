"""The enterprise's own pages and task (P9, P17): its words, not the staff's; nothing staff-internal
in its rate task (page and API); every other page refused (403, or 404 for what it cannot see)."""
from __future__ import annotations

import re

import pytest

from app.demo.data import USERS
from tests.support import logged_in

STAFF_NAMES = [u["display_name"] for u in USERS if u["role"] != "enterprise"]
REASON = "经核实由城管部门牵头"
STAFF_WORDS = ("待认领", "红名单", "认领", "我的待办", "按优先级", "办理：", "已办理：")
# The pages an enterprise works on; every other page is refused.
ITS_PAGES = {"/cases/<number>", "/my/cases", "/my/submit", "/tasks", "/tasks/<task_id>", "/account/password"}
NOT_PAGES = ("/login", "/logout", "/lang/", "/vendor/", "/static/", "/healthz", "/readyz", "/metrics",
             "/api/", "/open311/")


@pytest.fixture
def replied(api):
    """ent1's case (a red-list enterprise), dispatched with the dispatcher's reason, replied by the
    unit with an internal contact note: the enterprise's 评价 task is open."""
    number = api.submit(enterprise=0, contact_name="罗经理", contact_phone="13900139002")["number"]
    assert api.dispatch(number, "cgj", reason=REASON).status == 200
    api.unit_handles(number)
    task = api.as_("ent1").task_for(number, "rate")
    assert task is not None
    return {"number": number, "task_id": task["id"]}


def _body(response) -> str:
    return re.sub(r"<header>.*?</header>", "", response.get_data(as_text=True), flags=re.S)


def _internal(text: str) -> list[str]:
    return [s for s in (REASON, *STAFF_NAMES) if s in text]


def test_the_rate_task_through_the_api_carries_nothing_staff_internal(api, replied):
    ent = api.as_("ent1")
    task = ent.get(f"/api/tasks/{replied['task_id']}")
    assert task.status == 200 and task.json["name"] == "rate"
    listed = ent.tasks(name="rate")
    assert [t["id"] for t in listed] == [replied["task_id"]]
    for body in (task.json, *listed):
        assert "red_list" not in body and "routing" not in str(body) and not _internal(str(body))
    # the staff still see the red-list mark and the classifier's block of the same case
    staff_view = api.as_("supervisor1").get(f"/api/cases/{replied['number']}").json
    assert staff_view["red_list"] is True and staff_view["routing"] is not None


def test_the_answer_to_the_enterprise_rating_is_its_own_view(api, replied):
    answer = api.as_("ent1").post(f"/api/cases/{replied['number']}/rating",
                                  json={"rating": "不满意", "rating_comment": "路面仍未修复"})
    assert answer.status == 200 and answer.json["status"] == "supervising"
    assert not {"open_tasks", "clocks", "routing", "red_list", "version"} & set(answer.json)
    assert not _internal(str(answer.json)) and "code" not in answer.json["unit"]


def test_the_enterprise_task_list_speaks_its_words_without_staff_controls(app, replied):
    ent = logged_in(app, "ent1")
    page = ent.get("/tasks")
    html = _body(page)
    assert page.status_code == 200
    assert "待我评价" in html and "去评价" in html and replied["number"] in html
    assert not [w for w in STAFF_WORDS if w in html], [w for w in STAFF_WORDS if w in html]
    assert 'aria-label="范围"' not in html and "/claim" not in html
    assert ">待我评价</a>" in page.get_data(as_text=True)        # the menu says it too
    mine = _body(ent.get("/my/cases"))
    assert not [w for w in STAFF_WORDS if w in mine] and "去评价" in mine
    ent.get("/lang/en")
    english = _body(ent.get("/tasks"))
    assert "To rate" in english and "please rate the result" in english and ">Rate</a>" in english


def test_the_rate_page_speaks_to_the_enterprise_and_hides_the_staff_data(app, replied):
    ent = logged_in(app, "ent1")
    html = _body(ent.get(f"/tasks/{replied['task_id']}"))
    assert "请评价办理结果" in html and "已协调解决" in html
    assert not [w for w in STAFF_WORDS if w in html] and not _internal(html)
    done = ent.post(f"/tasks/{replied['task_id']}", data={"csrf_token": ent.csrf, "rating": "满意"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/cases/{replied['number']}")
    after = _body(ent.get(done.headers["Location"]))
    assert f"已提交评价：{replied['number']}" in after and "已办理" not in after


def test_an_enterprise_with_nothing_to_rate_is_told_so(app):
    html = _body(logged_in(app, "ent3").get("/tasks"))
    assert "暂无需要您评价的诉求。" in html and 'href="/my/cases"' in html


def _fill(rule: str, ctx: dict) -> str:
    values = {"number": ctx["number"], "task_id": ctx["task_id"], "article_id": "1", "deployment_id": "1",
              "filename": "enterprise_demand.bpmn", "alert_id": "1", "version": "1", "audit_id": "1",
              "code": "zh", "check_id": "1"}
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], rule)


def test_the_enterprise_is_refused_every_page_but_its_own(app, replied):
    ent = logged_in(app, "ent1")
    opened, refused = [], {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule == "/" or rule.rule.startswith(NOT_PAGES):
            continue
        response = ent.get(_fill(rule.rule, replied))
        if rule.rule in ITS_PAGES:
            assert response.status_code == 200, rule.rule
            assert not _internal(_body(response)), rule.rule
            opened.append(rule.rule)
        elif response.status_code not in (403, 404):
            refused[rule.rule] = response.status_code
    assert not refused, f"pages an enterprise must not open: {refused}"
    assert sorted(opened) == sorted(ITS_PAGES)
