"""Issue 16, point 5: the pages keep people's work. Claiming on a task page leaves the form alone
(htmx swaps the task card only); after a step the user goes on to the same case's next task, or
back to the list with the case named; long text is counted, not cut, and refused per field when
over its limit; intake names every missing field at once; a refused extension is shown again
with what was typed, never put into the URL."""
from __future__ import annotations

import re
from html import unescape

from app.clock import local
from app.demo.data import ENTERPRISES
from tests.support import logged_in

RED = ENTERPRISES[0]


def text(response) -> str:
    return response.get_data(as_text=True)


def flashes(html: str) -> str:
    match = re.search(r'<div class="flashes"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)) if match else ""


def field_error_texts(html: str) -> dict[str, list[str]]:
    """Field name → its messages, from the intake pages' `id="error-<name>"` paragraphs."""
    found: dict[str, list[str]] = {}
    for name, message in re.findall(r'<p class="field-error" id="error-([\w]+)"[^>]*>([^<]*)</p>', html):
        found.setdefault(name, []).append(unescape(message))
    return found


def task_id(api, user, number, name):
    task = api.as_(user).task_for(number, name)
    assert task is not None, (user, number, name)
    return task["id"]


def now_input(rt) -> str:
    return local(rt.clock.now()).strftime("%Y-%m-%dT%H:%M")


# -- claiming keeps the typed form --------------------------------------------------------------

def test_claim_from_the_task_page_swaps_only_the_task_card(api, app):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    tid = task_id(api, "spec_cgj", number, "sign")
    unit = logged_in(app, "spec_cgj")
    page = text(unit.get(f"/tasks/{tid}"))
    card = re.search(r'<section class="card" id="task-card">(.*?)</section>', page, re.S).group(1)
    assert f'hx-post="/tasks/{tid}/claim" hx-target="#task-card" hx-swap="outerHTML"' in card
    assert 'id="task-form"' in page                              # the form is outside the card

    response = unit.post(f"/tasks/{tid}/claim", data={"csrf_token": unit.csrf},
                         headers={"HX-Request": "true", "HX-Target": "task-card"})
    assert response.status_code == 200
    html = text(response)
    assert html.lstrip().startswith('<section class="card" id="task-card">')
    assert "已由我认领" in html and "已认领任务" in html and "取消认领" in html
    assert "<form" in html and 'id="task-form"' not in html     # nothing of the task form
    assert api.as_("spec_cgj").task_for(number, "sign")["assignee_id"] is not None

    response = unit.post(f"/tasks/{tid}/unclaim", data={"csrf_token": unit.csrf},
                         headers={"HX-Request": "true", "HX-Target": "task-card"})
    assert "未认领" in text(response) and "已取消认领" in text(response)
    assert api.as_("spec_cgj").task_for(number, "sign")["assignee_id"] is None
    # the task list's htmx claim still answers with its row
    row = unit.post(f"/tasks/{tid}/claim", data={"csrf_token": unit.csrf},
                    headers={"HX-Request": "true", "HX-Target": f"task-{tid}"})
    assert text(row).lstrip().startswith(f'<tr id="task-{tid}"')


# -- on to the next task of the same case ----------------------------------------------------------

def test_the_unit_goes_from_step_to_step_of_the_same_case(api, app, rt):
    number = api.submit()["number"]
    other = api.submit(description="另一件诉求：园区路灯不亮")["number"]   # older tasks elsewhere
    api.dispatch(other, "cgj")
    api.dispatch(number, "cgj")
    unit = logged_in(app, "spec_cgj")
    rt.clock.advance(minutes=10)
    steps = [("sign", {"sign_action": "签收"}, "签收"),
             ("contact", {"contacted_at": now_input(rt), "contact_method": "电话"}, "联系企业"),
             ("propose", {"solution": "协调绿化部门移植"}, "提出解决方案"),
             ("reply", {"result": "解决", "reply_text": "已移植绿化带"}, "办结答复")]
    location = f"/tasks/{task_id(api, 'spec_cgj', number, 'sign')}"
    for index, (name, data, title) in enumerate(steps):
        assert location == f"/tasks/{task_id(api, 'spec_cgj', number, name)}", (name, location)
        response = unit.post(location, data={"csrf_token": unit.csrf, **data})
        assert response.status_code == 302, (name, text(response))
        location = response.headers["Location"]
        if index + 1 < len(steps):   # the next step of the same case, with the case named
            landed = text(unit.get(location))
            assert f"已办理：{number} {title}" in flashes(landed)
            assert number in landed and "另一件诉求" not in landed
    assert location == "/tasks"                        # the enterprise rates next: back to the list
    listing = text(unit.get(location))
    assert f"已办理：{number} 办结答复" in flashes(listing)
    assert api.as_("ent2").task_for(number, "rate") is not None


def test_the_dispatcher_goes_back_to_the_list_with_the_case_named(api, app):
    number = api.submit()["number"]
    tid = task_id(api, "dispatcher1", number, "dispatch")
    dispatcher = logged_in(app, "dispatcher1")
    response = dispatcher.post(f"/tasks/{tid}", data={"csrf_token": dispatcher.csrf, "unit_code": "xlz"})
    assert response.status_code == 302 and response.headers["Location"] == "/tasks"
    assert f"已办理：{number} 派单" in flashes(text(dispatcher.get("/tasks")))


def test_next_task_in_case_is_one_the_actor_can_work_on(api, rt):
    """The service behind it: in the actor's queue, not claimed by someone else, this case only."""
    from dataclasses import replace

    from app.services import auth, tasks
    number = api.submit()["number"]
    api.submit(description="另一件诉求：园区路灯不亮")
    dispatcher = auth.check_credentials(rt, "dispatcher1", "qisu-dispatcher1")
    found = tasks.next_task_in_case(rt, dispatcher, number)
    assert found["name"] == "dispatch" and found["case"]["number"] == number
    assert tasks.next_task_in_case(rt, auth.check_credentials(rt, "spec_cgj", "qisu-spec_cgj"), number) is None
    colleague = replace(auth.check_credentials(rt, "agent2", "qisu-agent2"), role="dispatcher")
    tasks.claim(rt, colleague, found["id"])                    # a second dispatcher takes it
    assert tasks.next_task_in_case(rt, dispatcher, number) is None
    assert tasks.next_task_in_case(rt, colleague, number)["id"] == found["id"]


# -- long text: counted, not cut, refused per field ------------------------------------------------

def test_the_intake_textareas_count_instead_of_cutting(app):
    client = logged_in(app, "agent1")
    html = text(client.get("/intake"))
    assert not re.search(r"<textarea[^>]*\smaxlength=", html)           # no silent cut
    assert not re.search(r'<input id="contact_name"[^>]*\smaxlength=', html)
    assert re.search(r'<textarea id="description" name="description" rows="5" data-maxlength="4000"', html)
    assert re.search(r'id="description-count"[^>]*>0/4000</small>', html, re.S)
    assert 'data-over="超出 {over} 字（上限 {max} 字），请删减后再提交"' in html
    assert 'id="direct_reply-count"' in html and 'id="contact_name-count"' in html
    assert "js/forms.js" in html


def test_over_long_intake_text_is_refused_whole_and_kept(app, api):
    client = logged_in(app, "agent1")
    long_text = "企" * 4001
    response = client.post("/intake", data={
        "csrf_token": client.csrf, "credit_code": RED["credit_code"], "kind": "投诉",
        "domain": "城市管理", "description": long_text, "contact_name": "王" * 51,
        "contact_phone": "", "action": "dispatch"})
    assert response.status_code == 422
    html = text(response)
    errors = field_error_texts(html)
    assert errors["description"] == ["不能超过 4000 字（现有 4001 字），请删减"]
    assert errors["contact_name"] == ["不能超过 50 字（现有 51 字），请删减"]
    assert f">{long_text}</textarea>" in html                        # the whole text, not cut
    assert re.search(r'class="char-count over" id="description-count"', html)
    assert api.as_("agent1").get("/api/cases").json["total"] == 0


def test_line_breaks_count_as_one_character(app, api):
    client = logged_in(app, "agent1")
    description = "甲" * 2000 + "\r\n" + "乙" * 1999                  # 4000 once CRLF is one break
    response = client.post("/intake", data={
        "csrf_token": client.csrf, "credit_code": RED["credit_code"], "kind": "投诉",
        "domain": "城市管理", "description": description, "action": "dispatch"})
    assert response.status_code == 302, field_error_texts(text(response))
    number = response.headers["Location"].rsplit("/", 1)[-1]
    assert len(api.as_("agent1").get(f"/api/cases/{number}").json["description"]) == 4000


def test_a_task_form_refuses_over_long_text_next_to_its_field(api, app, rt):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    unit = api.as_("spec_cgj")
    assert unit.complete(number, "sign", {}).status == 200
    rt.clock.advance(minutes=10)
    assert unit.complete(number, "contact", {"contacted_at": local(rt.clock.now()).isoformat(),
                                             "contact_method": "电话"}).status == 200
    tid = task_id(api, "spec_cgj", number, "propose")
    client = logged_in(app, "spec_cgj")
    page = text(client.get(f"/tasks/{tid}"))
    assert 'data-maxlength="4000"' in page and not re.search(r"\smaxlength=", page)
    assert 'id="f-solution-count"' in page
    solution = "方案" * 2000 + "。"
    response = client.post(f"/tasks/{tid}", data={"csrf_token": client.csrf, "solution": solution})
    assert response.status_code == 422
    html = text(response)
    assert "不能超过 4000 字（现有 4001 字），请删减" in html
    assert f">{solution}</textarea>" in html
    assert api.as_("spec_cgj").task_for(number, "propose") is not None   # nothing happened


# -- intake names every missing field at once ------------------------------------------------------

def test_intake_names_every_missing_field_at_once(app, api):
    client = logged_in(app, "agent1")
    response = client.post("/intake", data={
        "csrf_token": client.csrf, "credit_code": "", "kind": "", "domain": "", "description": "",
        "contact_name": "李工", "contact_phone": "12345", "direct_reply": "", "action": "direct"})
    assert response.status_code == 422
    errors = field_error_texts(text(response))
    assert errors["credit_code"] == ["请先查询并选择企业"]
    assert errors["description"] == ["请填写诉求内容"]
    assert "kind" in errors and "contact_phone" in errors
    assert errors["direct_reply"] == ["请填写直接答复内容"]
    assert 'value="李工"' in text(response)                              # input kept
    assert api.as_("agent1").get("/api/cases").json["total"] == 0


def test_an_unknown_enterprise_and_a_missing_text_are_named_together(app, api):
    client = logged_in(app, "agent1")
    response = client.post("/intake", data={
        "csrf_token": client.csrf, "credit_code": "91350100M000100Y44", "kind": "投诉",
        "description": "", "action": "dispatch"})
    errors = field_error_texts(text(response))
    assert response.status_code == 422 and set(errors) >= {"credit_code", "description"}


def test_the_enterprise_submit_page_names_every_field_at_once(app, api):
    client = logged_in(app, "ent2")
    response = client.post("/my/submit", data={
        "csrf_token": client.csrf, "kind": "抱怨", "description": "", "contact_name": "",
        "contact_phone": "999"})
    assert response.status_code == 422
    html = text(response)
    errors = field_error_texts(html)
    assert set(errors) == {"kind", "description", "contact_phone"}
    assert 'value="999"' in html and 'data-maxlength="4000"' in html
    assert api.as_("ent2").get("/api/cases").json["total"] == 0


# -- a refused request never puts input into the URL -----------------------------------------------

def test_a_refused_extension_is_shown_again_without_a_redirect(api, app, rt):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    unit_api = api.as_("spec_cgj")
    assert unit_api.complete(number, "sign", {}).status == 200
    tid = task_id(api, "spec_cgj", number, "contact")
    unit = logged_in(app, "spec_cgj")
    reason = "需住建、人社两部门现场会商" + "。" * 1000
    response = unit.post(f"/cases/{number}/extension",
                         data={"csrf_token": unit.csrf, "task_id": tid,
                               "requested_due": "2026-12-20T18:00", "reason": reason})
    assert response.status_code == 422 and "Location" not in response.headers
    html = text(response)
    section = html.split('id="extension"')[1].split("</section>")[0]
    assert "延期申请未提交：" in section
    assert re.search(r'<p class="field-error" id="ext-reason-error"[^>]*>不能超过 1000 字（现有 1013 字），请删减</p>',
                     section)
    assert f">{reason}</textarea>" in section and 'value="2026-12-20T18:00"' in section
    assert 'id="ext-reason-count"' in section and 'data-maxlength="1000"' in section
    assert api.as_("supervisor1").task_for(number, "approve_extension") is None

    missing = unit.post(f"/cases/{number}/extension",
                        data={"csrf_token": unit.csrf, "task_id": tid, "requested_due": "",
                              "reason": "需会商"})
    assert missing.status_code == 422 and "Location" not in missing.headers
    section = text(missing).split('id="extension"')[1].split("</section>")[0]
    assert "请填写新的办结时限" in section and ">需会商</textarea>" in section
