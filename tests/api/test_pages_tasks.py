"""The task pages: the task list (scopes, deadline order, colours, htmx claim) and the task page
with its form rendered from the task's JSON Schema (P4 dispatch, P5 contact, field errors, 404)."""
from __future__ import annotations

import re

from app.worker import run_once
from tests.support import csrf


def login(client, username):
    response = client.post("/login", data={"username": username, "password": f"qisu-{username}",
                                           "csrf_token": csrf(client)})
    assert response.status_code == 302, response.data
    return client


def as_user(app, username):
    return login(app.test_client(), username)


def field_html(html: str, name: str) -> str:
    """The markup of one rendered form field (from its wrapper to the next field)."""
    match = re.search(rf'<div class="field[^"]*" data-field="{name}">(.*?)(?=<div class="field|</form>)',
                      html, re.S)
    assert match, f"no field {name}"
    return match.group(1)


def field_errors(html: str, name: str) -> list[str]:
    return re.findall(r'<p class="field-error"[^>]*>([^<]*)</p>', field_html(html, name))


def selected_options(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)" selected>', html)


def post_form(client, path, data):
    return client.post(path, data={"csrf_token": csrf(client, "/tasks"), **data})


def task_id(api, user, number, name):
    task = api.as_(user).task_for(number, name)
    assert task is not None, f"no {name} task for {number}"
    return task["id"]


def test_dispatch_page_offers_units_and_shows_errors_next_to_fields(app, api):
    number = api.submit()["number"]  # 城市管理 in the enterprise's town 小榄镇 → xlz
    suggested = api.as_("dispatcher1").get(f"/api/cases/{number}").json["suggested_unit"]
    assert suggested == "xlz"
    dispatcher = as_user(app, "dispatcher1")
    tid = task_id(api, "dispatcher1", number, "dispatch")
    listing = dispatcher.get("/tasks").get_data(as_text=True)
    assert f'href="/tasks/{tid}"' in listing

    page = dispatcher.get(f"/tasks/{tid}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert number in html and "中山市榄兴五金制品有限公司" in html and "厂区门口绿化带" in html
    unit = field_html(html, "unit_code")
    assert '<select id="f-unit_code" name="unit_code"' in unit
    assert selected_options(unit) == [suggested]
    assert re.search(r'<option value="xlz" selected>小榄镇（建议）</option>', unit)
    assert '<option value="rsj" >市人力资源和社会保障局</option>' in unit and ">板芙镇</option>" in unit
    co_units = field_html(html, "co_units")
    assert 'name="co_units" multiple' in co_units and selected_options(co_units) == []
    matter = field_html(html, "matter_class")
    assert '<option value="urgent"' in matter and "紧急事项" in matter  # Chinese titles of codes
    assert selected_options(matter) == ["general"]                   # the case's present class
    assert 'name="override_reason"' in field_html(html, "override_reason")

    # Overriding the suggestion without a reason: the error sits next to override_reason.
    response = post_form(dispatcher, f"/tasks/{tid}", {"unit_code": "rsj", "override_reason": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "override_reason") == ["改派至非建议单位时须填写改派理由"]
    assert field_errors(html, "unit_code") == []
    assert selected_options(field_html(html, "unit_code")) == ["rsj"]  # the values are kept
    assert api.as_("dispatcher1").task_for(number, "dispatch") is not None  # nothing happened

    response = post_form(dispatcher, f"/tasks/{tid}", {
        "unit_code": "rsj", "override_reason": "涉及用工问题,属人社局职责",
        "co_units": ["zjj"], "matter_class": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("/tasks")
    listing = dispatcher.get("/tasks").get_data(as_text=True)
    assert f"已办理：{number}" in listing  # the flash message
    assert f"/tasks/{tid}" not in listing and f'href="/cases/{number}"' not in listing
    case = api.as_("dispatcher1").get(f"/api/cases/{number}").json
    assert case["unit"]["code"] == "rsj" and case["matter_class"] == "general"
    overrides = [e for e in api.as_("dispatcher1").get(f"/api/cases/{number}/history").json["events"]
                 if e["action"] == "dispatch_override"]
    assert overrides and overrides[0]["after"]["co_units"] == ["zjj"]


def test_unit_specialist_claims_with_htmx(app, api):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    specialist = as_user(app, "spec_cgj")
    tid = task_id(api, "spec_cgj", number, "sign")
    listing = specialist.get("/tasks?scope=group").get_data(as_text=True)
    assert f'hx-post="/tasks/{tid}/claim"' in listing and 'hx-target="closest tr"' in listing

    token = csrf(specialist, "/tasks")
    assert specialist.post(f"/tasks/{tid}/claim", headers={"HX-Request": "true"}).status_code == 400
    response = specialist.post(f"/tasks/{tid}/claim",
                               headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200
    row = response.get_data(as_text=True)
    assert row.lstrip().startswith(f'<tr id="task-{tid}"') and "<html" not in row
    assert "已认领" in row and f'hx-post="/tasks/{tid}/unclaim"' in row and number in row
    assert api.as_("spec_cgj").task_for(number, "sign")["assignee_id"] is not None

    assert number in specialist.get("/tasks?scope=mine").get_data(as_text=True)
    assert number not in specialist.get("/tasks?scope=group").get_data(as_text=True)
    # The task page shows who has it; unclaiming without htmx redirects back to it.
    assert "已由我认领" in specialist.get(f"/tasks/{tid}").get_data(as_text=True)
    response = post_form(specialist, f"/tasks/{tid}/unclaim", {"next": f"/tasks/{tid}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tasks/{tid}")
    assert api.as_("spec_cgj").task_for(number, "sign")["assignee_id"] is None


def test_contact_form_converts_datetime_local_and_reports_missing_fields(app, api):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    specialist = as_user(app, "spec_cgj")
    sign = task_id(api, "spec_cgj", number, "sign")
    sign_page = specialist.get(f"/tasks/{sign}").get_data(as_text=True)
    # if/then in sign.schema.json: return_reason is an ordinary optional field here.
    assert selected_options(field_html(sign_page, "sign_action")) == ["签收"]  # the default
    assert "<textarea" in field_html(sign_page, "return_reason")  # maxLength 500 > 200
    assert post_form(specialist, f"/tasks/{sign}", {"sign_action": "签收"}).status_code == 302

    contact = task_id(api, "spec_cgj", number, "contact")
    html = specialist.get(f"/tasks/{contact}").get_data(as_text=True)
    assert 'type="datetime-local" id="f-contacted_at" name="contacted_at"' in html
    assert "<textarea" in field_html(html, "contact_note")  # maxLength 1000 > 200

    # A required field left empty: its error is next to it; the other values come back.
    response = post_form(specialist, f"/tasks/{contact}",
                         {"contacted_at": "2026-11-23T10:03", "contact_method": "", "contact_note": "电话沟通"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "contact_method") == ["必填"]
    assert field_errors(html, "contacted_at") == [] and field_errors(html, "contact_note") == []
    assert 'value="2026-11-23T10:03"' in field_html(html, "contacted_at")
    assert "电话沟通" in field_html(html, "contact_note")

    response = post_form(specialist, f"/tasks/{contact}",
                         {"contacted_at": "2026-11-23T10:03", "contact_method": "电话"})
    assert response.status_code == 302
    events = api.as_("spec_cgj").get(f"/api/cases/{number}/history").json["events"]
    done = [e for e in events if e["action"] == "complete_task" and e["task_id"] == contact]
    assert done[0]["after"]["data"]["contacted_at"] == "2026-11-23T10:03:00+08:00"
    assert api.as_("spec_cgj").task_for(number, "propose") is not None

    # Posting to a task that is already done says so.
    response = post_form(specialist, f"/tasks/{contact}", {"contact_method": "电话"})
    assert response.status_code == 409 and "任务已不在待办状态" in response.get_data(as_text=True)


def test_unparseable_time_is_an_error_next_to_the_field(app, api):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    assert api.as_("spec_cgj").complete(number, "sign", {}).status == 200
    specialist = as_user(app, "spec_cgj")
    contact = task_id(api, "spec_cgj", number, "contact")
    response = post_form(specialist, f"/tasks/{contact}",
                         {"contacted_at": "明天上午", "contact_method": "电话"})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "contacted_at") == ["时间格式不正确"]


def test_another_units_task_page_is_404(app, api):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    sign = task_id(api, "spec_cgj", number, "sign")
    other = as_user(app, "spec_zjj")
    assert other.get(f"/tasks/{sign}").status_code == 404
    assert post_form(other, f"/tasks/{sign}", {"sign_action": "签收"}).status_code == 404
    assert post_form(other, f"/tasks/{sign}/claim", {}).status_code == 404
    assert other.get("/tasks/no-such-task").status_code == 404
    assert api.as_("spec_cgj").task_for(number, "sign")["assignee_id"] is None


def test_task_list_orders_by_deadline_and_colours_the_time_left(app, api, rt):
    first = api.submit()["number"]
    api.dispatch(first, "cgj")
    rt.clock.advance(minutes=10)
    second = api.submit()["number"]
    api.dispatch(second, "cgj")
    specialist = as_user(app, "spec_cgj")

    newest_first = specialist.get("/tasks?sort=created_at").get_data(as_text=True)
    by_deadline = specialist.get("/tasks?sort=due_at").get_data(as_text=True)
    assert by_deadline.index(first) < by_deadline.index(second)
    assert 'aria-current="page">按时限' in by_deadline
    assert first in newest_first and second in newest_first
    # 60 minutes to respond: "soon" from the start; past the deadline: "overdue".
    assert re.search(r'class="due soon"[^>]*>剩余 ', by_deadline)
    rt.clock.advance(minutes=55)
    html = specialist.get("/tasks?sort=due_at").get_data(as_text=True)
    row = re.search(rf'<tr id="task-[^"]+"[^>]*>\s*<td><a href="/cases/{first}">.*?</tr>', html, re.S).group(0)
    assert 'class="due overdue"' in row and "超期 " in row
    run_once(rt)  # the response deadline fires for the first case; the list still shows it
    assert first in specialist.get("/tasks").get_data(as_text=True)


def test_red_list_tasks_come_first_and_english_labels(app, api):
    plain = api.submit(enterprise=1)["number"]
    red = api.submit(enterprise=0)["number"]
    dispatcher = as_user(app, "dispatcher1")
    html = dispatcher.get("/tasks?sort=due_at").get_data(as_text=True)
    assert html.index(red) < html.index(plain)
    dispatcher.get("/lang/en")
    english = dispatcher.get("/tasks").get_data(as_text=True)
    assert "Unclaimed" in english and "By deadline" in english and "Dispatch" in english
    page = dispatcher.get(f"/tasks/{task_id(api, 'dispatcher1', plain, 'dispatch')}").get_data(as_text=True)
    assert "Case summary" in page and "Submit" in page and "Matter class" in page
