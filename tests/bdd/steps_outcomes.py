"""Steps that read what the enterprise sees (P17), the messages sent (P1, P3, P17) and the
full trail (P16). Imported by conftest.py so pytest-bdd finds them."""
from __future__ import annotations

import re

from pytest_bdd import then, when

from app.demo.data import USERS
from tests.bdd.common import (ROLE, SEP, SMS_TEMPLATES, enterprise, events, outbox, q, step_re,
                              step_words, table_dict, table_rows, trail_task)


# -- outcomes: what the enterprise sees (P17) -------------------------------------------------

@then(step_re(rf'看到的状态为 {q("status")}{SEP}状态名称为 {q("label")}'))
def sees_status(world, status, label):
    assert (world.response.json["status"], world.response.json["status_label"]) == (status, label)


@then(step_re(rf'看到的当前环节为 {q("step")}'))
def sees_step(api, world, step):
    """The current step in the scenario's words, whatever title the designer gave the task."""
    assert step_words(api, world.response.json["current_step"]) == (None if step == "无" else step), \
        world.response.json["current_step"]


@then(step_re(rf'看到承办单位为 {q("name")}'))
def sees_unit(world, name):
    assert (world.response.json["unit"] or {}).get("name") == name, world.response


@then(step_re(rf'看到答复结果为 {q("result")}{SEP}答复内容为 {q("text")}'))
def sees_reply(world, result, text):
    assert world.response.json["reply"] == {"result": result, "text": text}, world.response


@then(step_re(rf'办理进展依次为 {q("steps")}'))
def progress_steps(world, steps):
    assert [s["step"] for s in world.response.json["steps"]] == steps.split("、"), world.response


@then(step_re(rf'最后一步的内容为 {q("text")}'))
def last_step_text(world, text):
    assert world.response.json["steps"][-1]["text"] == text, world.response


@then("办理进展中没有任何工作人员的姓名")
def no_staff_names(world):
    shown = str(world.response.json)
    assert not [u["display_name"] for u in USERS if u["role"] != "enterprise" and u["display_name"] in shown]


# Keys of the staff's view of a case that an enterprise must not get (P17).
STAFF_KEYS = {"routing", "clocks", "open_tasks", "red_list", "suggested_unit", "kb_article", "version",
              "deployment_id", "matter_class", "enterprise_phone", "history"}


@when(step_re(rf'{ROLE}{q("user")} 查看该诉求的流程图'))
def user_views_diagram(api, world, case, user):
    world.response = api.as_(user).get(f"/api/cases/{case['number']}/diagram")


@then("看到的诉求中没有工作人员姓名、分类模型数据、时限、待办和内部编码")
def no_staff_internals(world):
    assert world.response.status == 200, world.response
    body = world.response.json
    for item in body["items"] if "items" in body else [body]:
        assert not STAFF_KEYS & set(item), sorted(STAFF_KEYS & set(item))
        assert "code" not in (item.get("unit") or {}), item["unit"]
    shown = str(body)
    assert not [u["display_name"] for u in USERS if u["role"] != "enterprise" and u["display_name"] in shown]


@then(step_re(rf'看到的诉求中(?P<has>有|没有) {q("text")}'))
def text_shown(world, has, text):
    assert world.response.status == 200, world.response
    assert (text in str(world.response.json)) == (has == "有"), world.response


@then(step_re(rf'列表共有 (?P<count>\d+) 件诉求(?:{SEP}都属于企业 {q("ent")})?'))
def list_has(world, count, ent):
    assert world.response.status == 200, world.response
    page = world.response.json
    assert page["total"] == int(count) and len(page["items"]) == int(count), page
    if ent is not None:
        assert {c["enterprise"]["name"] for c in page["items"]} == {enterprise(ent)["name"]}


@then("列表中每件诉求都有中文状态名称")
def list_labels_chinese(world):
    for item in world.response.json["items"]:
        assert re.fullmatch(r"[\u4e00-\u9fff]+", item["status_label"]), item


# -- outcomes: messages (P1, P3, P17) ---------------------------------------------------------

@then(step_re(rf'号码 {q("phone")} 收到一条含诉求编号的 {q("template")} 短信'))
def sms_received(app, case, phone, template):
    messages = [m for m in outbox(app, case["number"]) if m.template == SMS_TEMPLATES[template]]
    assert len(messages) == 1, [(m.template, m.recipient) for m in messages]
    assert messages[0].recipient == phone and messages[0].channel == "sms"
    assert case["number"] in messages[0].body, messages[0].body


@then(step_re(rf'号码 {q("phone")} 依次收到 {q("templates")} 短信'))
def sms_sequence(app, case, phone, templates):
    messages = outbox(app, case["number"])
    assert {m.recipient for m in messages} == {phone}
    expected = [SMS_TEMPLATES[t] for t in re.split(r"[、,，]", templates)]
    assert [m.template for m in messages] == expected


@then(step_re(rf'每件诉求都发出了一条 {q("template")} 短信'))
def sms_for_every_case(app, world, template):
    for number in world.numbers:
        sent = [m for m in outbox(app, number) if m.template == SMS_TEMPLATES[template]]
        assert len(sent) == 1, (number, sent)


@then(step_re(rf'没有发出 {q("template")} 短信'))
def no_sms_of(app, case, template):
    assert SMS_TEMPLATES[template] not in [m.template for m in outbox(app, case["number"])]


@then("没有发出任何短信")
def no_sms(app):
    assert outbox(app) == []


# -- outcomes: the trail (P16) ----------------------------------------------------------------

def _history(api, world, case) -> list[dict]:
    if world.response is not None and world.response.json and "events" in world.response.json:
        return world.response.json["events"]
    return events(api, case["number"])


def _event(api, history: list[dict], action_or_task: str, completed: bool = False) -> dict:
    if completed:
        found = [e for e in history
                 if e["action"] == "complete_task" and trail_task(api, e["task"]) == action_or_task]
    else:
        found = [e for e in history if e["action"] == action_or_task]
    assert len(found) == 1, [(e["action"], e["task"]) for e in history]
    return found[0]


def _display_name(username: str) -> str:
    return next(u["display_name"] for u in USERS if u["username"] == username)


@then(step_re(rf'诉求历史的第一条记录为{ROLE}{q("user")} 的 {q("action")}'))
def first_event(api, case, user, action):
    first = events(api, case["number"])[0]
    assert (first["action"], first["actor"]) == (action, _display_name(user)), first


@then(step_re(rf'诉求历史的动作依次为 {q("actions")}'))
def actions_are(api, case, actions):
    expected = [a.strip() for a in re.split(r"[,，、]", actions)]
    assert [e["action"] for e in events(api, case["number"])] == expected


@then("历史记录依次为:")
@then("历史记录依次为：")
def history_is(api, world, case, datatable):
    history = _history(api, world, case)
    actual = [[e["action"], trail_task(api, e["task"]) or "", e["actor"], e["role"],
               e["at"].replace("T", " ")[:16]] for e in history]
    assert actual == table_rows(datatable)
    for e in history:
        assert e["at"].endswith("+08:00"), e


@then("每条历史记录都有操作时间、操作人和角色")
def every_event_complete(api, world, case):
    for e in _history(api, world, case):
        assert e["at"] and e["actor"] and e["role"], e


@then(step_re(rf'历史中有 (?P<count>\d+) 条 {q("action")} 记录'))
def count_events(api, case, count, action):
    assert [e["action"] for e in events(api, case["number"])].count(action) == int(count)


@then(step_re(rf'历史中有 {q("action")} 记录'))
def has_event(api, case, action):
    assert action in [e["action"] for e in events(api, case["number"])]


@then(step_re(rf'历史中没有 {q("action")} 记录'))
def lacks_event(api, case, action):
    assert action not in [e["action"] for e in events(api, case["number"])]


@then(step_re(rf'历史中没有 {q("task")} 任务的完成记录'))
def task_not_completed_in_trail(api, case, task):
    done = [e for e in events(api, case["number"]) if e["action"] == "complete_task"]
    assert task not in [trail_task(api, e["task"]) for e in done], done


@then(step_re(rf'历史中 {q("action")} 记录在 {q("task")} 任务开启之前'))
def event_before_task_opened(api, case, action, task):
    """The trail is causal: e.g. the rating timer fires, then the 回访 task it opens."""
    history = events(api, case["number"])
    trail = [(e["action"], e["task"]) for e in history]
    first = next(i for i, e in enumerate(history) if e["action"] == action)
    opened = next(i for i, e in enumerate(history)
                  if e["action"] == "task_opened" and trail_task(api, e["task"]) == task)
    assert first < opened, trail


EVENT_DATA = (rf'历史中 (?:{q("action")} 记录|{q("task")} 任务的完成记录)'
              rf'(?:由{ROLE}{q("user")} 作出{SEP})?'
              r'(?P<part>办理前数据|办理后数据|提交数据)为[:：]')


@then(step_re(EVENT_DATA))
def event_data(api, world, case, action, task, user, part, datatable):
    event = _event(api, _history(api, world, case), task or action, completed=task is not None)
    if user is not None:
        assert event["actor"] == _display_name(user), event
    data = {"办理前数据": event["before"], "办理后数据": event["after"],
            "提交数据": (event["after"] or {}).get("data")}[part]
    assert data is not None, event
    for key, value in table_dict(datatable).items():
        assert key in data, (key, data)
        actual = data[key] if data[key] is None else str(data[key])
        assert actual == value, (key, value, data)
