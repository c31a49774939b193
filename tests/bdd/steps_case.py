"""Outcome steps on the case itself: responses and errors, number, status, unit, rating, and the
tasks users see. Imported by conftest.py so pytest-bdd finds them."""
from __future__ import annotations

import re

from pytest_bdd import parsers, then

from tests.bdd.common import (ROLE, SEP, STAFF, current, enterprise, error_of, events, q,
                              step_re, task_word)


# -- outcomes: responses and errors ------------------------------------------------------------

@then(parsers.parse("返回状态码 {status:d}"))
def status_is(world, status):
    assert world.response.status == status, world.response


@then(step_re(rf'请求被拒绝{SEP}状态码为 (?P<status>\d+){SEP}错误码为 {q("code")}'))
def refused(world, status, code):
    assert world.response.status == int(status), world.response
    assert error_of(world)["code"] == code, world.response


@then(step_re(rf'错误信息包含 {q("text")}'))
def error_message_says(world, text):
    assert text in error_of(world)["message"], world.response


@then(step_re(rf'错误字段 {q("name")} 的提示包含 {q("text")}'))
def error_field_says(world, name, text):
    fields = error_of(world)["fields"]
    assert name in fields, fields
    assert any(text in message for message in fields[name]), fields


@then(step_re(rf'错误字段 {q("name")} 有提示'))
def error_field_present(world, name):
    fields = error_of(world)["fields"]
    assert fields.get(name), fields


# -- outcomes: the case -------------------------------------------------------------------------

@then(step_re(rf'诉求编号为受理日 {q("day")} 的六位流水号'))
def number_format(case, day):
    assert case is not None
    assert re.fullmatch(rf"QS{day}-\d{{6}}", case["number"]), case["number"]


@then(step_re(r"这 (?P<count>\d+) 件诉求的编号互不相同"))
def numbers_unique(world, count):
    assert len(world.numbers) == int(count), world.numbers
    assert len(set(world.numbers)) == int(count), world.numbers


@then(step_re(rf'这些诉求的流水号依次为 {q("sequence")}'))
def numbers_sequence(world, sequence):
    expected = [s.strip() for s in re.split(r"[,，、]", sequence)]
    assert [n.split("-")[1] for n in world.numbers] == expected, world.numbers


@then(step_re(rf'诉求状态为 {q("label")}'))
def status_label_is(api, case, label):
    data = current(api, case["number"])
    assert data["status_label"] == label, (data["status"], data["status_label"])


@then("诉求已办结")
def case_is_closed(api, case):
    data = current(api, case["number"])
    assert data["closed"] is True and data["closed_at"], data


@then("诉求尚未办结")
def case_is_open(api, case):
    data = current(api, case["number"])
    assert data["closed"] is False and data["closed_at"] is None, data


@then("当前没有待办环节")
def no_open_step(api, case):
    data = current(api, case["number"])
    assert data["current_step"] is None and data["open_tasks"] == [], data


@then(step_re(rf'受理渠道为 {q("channel")}'))
def channel_is(api, case, channel):
    assert current(api, case["number"])["channel"] == channel


@then(step_re(rf'诉求所属企业为 {q("ent")}'))
def enterprise_is(api, case, ent):
    data = current(api, case["number"])["enterprise"]
    assert data["name"] == enterprise(ent)["name"], data
    assert data["credit_code"] == enterprise(ent)["credit_code"], data


@then(step_re(rf'诉求的镇街为 {q("town")}'))
def town_is(api, case, town):
    assert current(api, case["number"])["town"] == town


@then(step_re(rf'建议承办单位为 {q("unit")}'))
def suggested_is(api, case, unit):
    assert current(api, case["number"])["suggested_unit"] == unit


@then("没有建议承办单位")
def no_suggestion(api, case):
    assert current(api, case["number"])["suggested_unit"] is None


@then(step_re(rf'诉求的承办单位为 {q("unit")}'))
def unit_is(api, case, unit):
    data = current(api, case["number"])["unit"]
    assert data is not None and data["code"] == unit, data


@then("诉求尚未确定承办单位")
def no_unit(api, case):
    assert current(api, case["number"])["unit"] is None


@then(step_re(rf'诉求的评价为 {q("rating")}'))
def rating_is(api, case, rating):
    assert current(api, case["number"])["rating"] == rating


@then("诉求没有评价")
def no_rating(api, case):
    assert current(api, case["number"])["rating"] is None


@then(parsers.parse("不满意轮次为 {rounds:d}"))
def rounds_are(api, case, rounds):
    assert current(api, case["number"])["dissatisfied_rounds"] == rounds


@then(parsers.parse("系统中共有 {count:d} 件诉求"))
def case_count(api, count):
    response = api.as_(STAFF).get("/api/cases")
    assert response.status == 200 and response.json["total"] == count, response


@then("诉求的版本和历史与先前相同")
def unchanged(api, world, case):
    assert world.snapshot == (current(api, case["number"])["version"], events(api, case["number"])), \
        "被拒绝的操作不应改变诉求"


# -- outcomes: tasks ----------------------------------------------------------------------------

def _task_titles(api, user: str, number: str) -> list[str]:
    return [task_word(t) for t in api.as_(user).tasks(case_number=number, per_page=100)]


@then(step_re(rf'{ROLE}{q("user")} 的待办中有该诉求的 {q("task")} 任务'))
def has_task(api, case, user, task):
    titles = _task_titles(api, user, case["number"])
    assert task in titles, titles


@then(step_re(rf'{ROLE}{q("user")} 的待办中没有该诉求的 {q("task")} 任务'))
def lacks_task(api, case, user, task):
    titles = _task_titles(api, user, case["number"])
    assert task not in titles, titles


@then(step_re(rf'{ROLE}{q("user")} 的待办中没有该诉求的任务'))
def no_tasks(api, case, user):
    assert _task_titles(api, user, case["number"]) == []


