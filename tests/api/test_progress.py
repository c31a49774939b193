"""P17 progress as the enterprise sees it (page and API): status, result and the key steps in
plain words, without the staff's names, internal notes or the classifier's figures; the rating
is one click from its case. The staff's case page shows whom to call and links only the open
steps the viewer can work on."""
from __future__ import annotations

import re

from app.demo.data import USERS
from tests.support import logged_in

STAFF_NAMES = [u["display_name"] for u in USERS if u["role"] not in ("enterprise",)]


def _replied(api) -> str:
    number = api.submit(contact_name="王经理", contact_phone="13800138000")["number"]
    assert api.dispatch(number, "cgj").status == 200
    api.unit_handles(number)
    return number


def test_the_api_tells_the_enterprise_the_key_steps_without_staff_names(api):
    number = _replied(api)
    body = api.as_("ent2").get(f"/api/cases/{number}/progress").json
    steps = [s["step"] for s in body["steps"]]
    assert steps == ["诉求已受理", "已转交 市城市管理和综合执法局 办理", "承办单位已签收", "承办单位已联系企业",
                     "承办单位已提出解决方案", "承办单位已办结答复"]
    assert body["steps"][-1]["text"] == "已协调解决"
    assert [s["unit"] for s in body["steps"]][:2] == [None, "市城市管理和综合执法局"]
    assert body["case"]["unit"] == "市城市管理和综合执法局" and body["case"]["rate_task_id"]
    assert "routing" not in body["case"] and "red_list" not in body["case"]
    text = str(body)
    assert not any(name in text for name in STAFF_NAMES)
    assert api.as_("ent1").get(f"/api/cases/{number}/progress").status == 404   # not its case


def test_the_enterprise_case_page_shows_progress_and_rates_in_one_click(api, app):
    number = _replied(api)
    ent = logged_in(app, "ent2")
    page = ent.get(f"/cases/{number}").get_data(as_text=True)
    assert 'id="progress"' in page and "已转交 市城市管理和综合执法局 办理" in page and "已协调解决" in page
    assert "办理记录" not in page and "流程图" not in page and "classify" not in page
    assert not any(name in page for name in STAFF_NAMES)
    rate_url = re.search(r'href="(/tasks/[^"]+)">去评价', page).group(1)
    rating = ent.get(rate_url).get_data(as_text=True)
    assert "/tasks/" in rate_url and "取消认领" not in rating and ">认领<" not in rating
    assert 'href="/my/cases"' in rating
    done = ent.post(rate_url, data={"csrf_token": ent.csrf, "rating": "满意"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/cases/{number}")
    after = ent.get(f"/cases/{number}").get_data(as_text=True)
    assert "企业已评价" in after and "已结案" in after and "去评价" not in after


def test_the_enterprise_progress_reads_in_english(api, app):
    number = _replied(api)
    ent = logged_in(app, "ent2")
    ent.get("/lang/en")
    page = ent.get(f"/cases/{number}").get_data(as_text=True)
    assert "Passed to 市城市管理和综合执法局" in page and "The unit replied" in page and "Complaint" in page


def test_the_staff_case_page_shows_whom_to_call_and_links_only_workable_steps(api, app):
    number = api.submit(contact_name="王经理", contact_phone="13800138000")["number"]
    api.dispatch(number, "cgj")
    specialist = logged_in(app, "spec_cgj").get(f"/cases/{number}").get_data(as_text=True)
    assert "王经理" in specialist and 'href="tel:13800138000"' in specialist
    assert re.search(r'<a href="/tasks/[^"]+">签收</a>', specialist)
    dispatcher = logged_in(app, "dispatcher1").get(f"/cases/{number}").get_data(as_text=True)
    assert not re.search(r'<a href="/tasks/[^"]+">签收</a>', dispatcher) and "签收<span class=\"muted\">（承办单位业务专员）" in dispatcher


def test_the_staff_history_names_units_and_statuses_instead_of_codes(api, app):
    number = api.submit(domain="城市管理")["number"]
    api.dispatch(number, "rsj", reason="派单员核实后确定")
    page = logged_in(app, "supervisor1").get(f"/cases/{number}").get_data(as_text=True)
    history = page.split("办理记录", 1)[1]
    assert "<dt>承办单位</dt><dd>市人力资源和社会保障局</dd>" in history
    assert "<dd>rsj</dd>" not in history and "<dd>cgj</dd>" not in history


def test_classifier_values_in_the_history_read_as_words_and_rounded_figures(app):
    from app.web.pages_cases import ACTION_LABELS, event_details
    event = {"action": "classify", "after": {"label": "城乡建设", "confidence": 0.8697, "score": 0.9812,
                                             "auto": True, "threshold": 0.8980914476697716,
                                             "top": [["城乡建设", 0.8697], ["商贸旅游", 0.0453]], "model_version": 3}}
    with app.test_request_context("/", headers={"Accept-Language": "zh"}):
        pairs = dict(event_details(event, {}, {}))
    assert ACTION_LABELS["classify"] == "智能识别领域"
    assert pairs == {"识别领域": "城乡建设", "置信度": "87.0%", "自动派单评分": "98.1%", "评分达到阈值": "是",
                     "自动派单阈值": "89.8%", "前三建议": "城乡建设 87%、商贸旅游 5%", "模型版本": "3"}
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        english = dict(event_details(event, {}, {}))
    assert english["Top three"] == "Urban and rural construction 87%, Commerce and tourism 5%"


def test_current_steps_read_one_by_one_in_each_language(app):
    from app.web.filters import steps
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert steps("签收、督办回访") == "Accept, Supervise and revisit"
    with app.test_request_context("/", headers={"Accept-Language": "zh"}):
        assert steps("签收、督办回访") == "签收、督办回访" and steps(None) == ""
