"""Steps of the deadline rules: P5 response, P6 solution, P7 resolution, P8 warning and
supervision, P12 red list, and the clocks of a new round (P10, P13).

Time: `过了 61 分钟` moves the application clock and runs the worker once (it fires every due
timer and delivers the outbox), as the background worker would; `时间来到 "2026-12-02 10:01"`
does the same to a moment in Beijing time. Clocks, task deadlines and supervision lists are read
through the API; the internal messages to units (outbox), the stored clock outcomes and the
projected timers have no API and are read from the database.
"""
from __future__ import annotations

import re
from datetime import timedelta

from pytest_bdd import given, then, when
from sqlalchemy import select

from app.db.models import Case, SlaClock, Timer
from app.worker import run_once
from tests.bdd.common import (CLOCK_LABELS, ROLE, SEP, World, beijing, clocks, complete_own,
                              current, enterprise, events, latest_clock, matter_class, outbox, q,
                              shown, step_re, step_words, table_rows, task_data, task_word, trail_task, user_task,
                              user_tasks, utc)

# -- time ---------------------------------------------------------------------------------------

UNITS = {"天": "days", "小时": "hours", "分钟": "minutes"}
DURATION = r'(?P<duration>\d+ ?(?:天|小时|分钟)(?: ?\d+ ?(?:天|小时|分钟))*)'


def _elapse(rt, duration: str) -> None:
    amounts = {UNITS[unit]: int(n) for n, unit in re.findall(r"(\d+) ?(天|小时|分钟)", duration)}
    rt.clock.advance(**amounts)
    run_once(rt)


@given(step_re(rf'过了 {DURATION}'))
@when(step_re(rf'过了 {DURATION}'))
def time_elapses(rt, duration):
    """The clock moves on and the worker fires what fell due meanwhile."""
    _elapse(rt, duration)


@given(step_re(rf'时间来到 {q("moment")}'))
@when(step_re(rf'时间来到 {q("moment")}'))
def time_comes(rt, moment):
    target = utc(moment)
    assert target >= rt.clock.now(), f"时间不能倒流: {moment}"
    rt.clock.advance(seconds=(target - rt.clock.now()).total_seconds())
    run_once(rt)


# -- unit and supervisor work ---------------------------------------------------------------------

def _work(api, rt, world: World, case, user: str, tasks: str) -> None:
    for title in re.split(r"[、,，]", tasks):
        world.response = complete_own(api, user, case["number"], title, task_data(rt, title))
        assert world.response.status == 200, (title, world.response)


WORK = rf'{ROLE}{q("user")} (?:已)?(?:依次)?完成 {q("tasks")}'


@given(step_re(WORK))
@when(step_re(WORK))
def user_works(api, rt, world, case, user, tasks):
    """E.g. `专员 "spec_cgj" 依次完成 "签收、联系企业"`, with ordinary form data (联系时间 = now)."""
    _work(api, rt, world, case, user, tasks)


# -- the case's clocks ----------------------------------------------------------------------------

CLOCK_COLUMNS = {  # table header → how the API's clock is shown
    "时限": lambda c: c["label"], "轮次": lambda c: str(c["round"]),
    "日历": lambda c: c["calendar"], "开始时间": lambda c: shown(c["started_at"]),
    "到期时间": lambda c: shown(c["due_at"]), "完成时间": lambda c: shown(c["met_at"]),
    "结果": lambda c: c["outcome"], "延期次数": lambda c: str(c["extensions"]),
    "超期": lambda c: "是" if c["overdue"] else "否",
}


@then(step_re(r'诉求(?:第 (?P<round>\d+) 轮)?的时限为[:：]'))
def clocks_are(api, case, round, datatable):
    """Every clock of the case (or of one round), oldest first, in the columns the table names."""
    header = list(datatable[0])
    assert set(header) <= set(CLOCK_COLUMNS), header
    rows = clocks(api, case["number"], round_=int(round) if round else None)
    actual = [[CLOCK_COLUMNS[column](c) for column in header] for c in rows]
    assert actual == table_rows(datatable), actual


@then(step_re(rf'{q("clock")} 的结果为 {q("outcome")}(?:{SEP}完成时间为 {q("met")})?'))
def clock_outcome(api, case, clock, outcome, met):
    row = latest_clock(api, case["number"], clock)
    assert row["outcome"] == outcome, row
    if met is not None:
        assert shown(row["met_at"]) == met, row


@then(step_re(rf'{q("clock")} 的到期时间为 {q("due")}(?:{SEP}按 {q("calendar")} 计时)?'))
def clock_due(api, case, clock, due, calendar):
    row = latest_clock(api, case["number"], clock)
    assert shown(row["due_at"]) == due, row
    if calendar is not None:
        assert row["calendar"] == calendar, row


@then(step_re(rf'{q("clock")} 的延期次数为 (?P<count>\d+)'))
def clock_extensions(api, case, clock, count):
    row = latest_clock(api, case["number"], clock)
    assert row["extensions"] == int(count), row


@then(step_re(r'诉求(?P<negated>未|已)标记为超期'))
def case_overdue(api, case, negated):
    data = current(api, case["number"])
    assert data["overdue"] is (negated == "已"), {k: data[k] for k in ("overdue", "clocks")}


@then(step_re(rf'诉求的事项类别为 {q("matter")}'))
def matter_is(api, case, matter):
    actual = current(api, case["number"])["matter_class"]
    assert actual == matter_class(matter), f"事项类别应为 {matter_class(matter)}, 实际 {actual}"


@then(step_re(r'诉求(?P<negated>不)?属于红名单企业'))
def red_listed(api, case, negated):
    data = current(api, case["number"])
    assert data["red_list"] is (negated is None), data["enterprise"]


@then(step_re(r'数据库中该诉求的时限记录为[:：]'))
def stored_clocks(app, case, datatable):
    """P8: the on-time outcome of every clock is stored (sla_clocks), not only computed."""
    with app.extensions["qisu"].uow() as uow:
        rows = uow.session.scalars(select(SlaClock).join(Case, Case.id == SlaClock.case_id)
                                   .where(Case.number == case["number"]).order_by(SlaClock.id))
        labels = {code: label for label, code in CLOCK_LABELS.items()}
        actual = [[labels[r.clock], str(r.round), r.outcome] for r in rows]
    assert actual == table_rows(datatable), actual


TIMER_NAMES = {"响应预警": "timer_response_warn", "响应超期": "timer_response_due",
               "方案预警": "timer_solution_warn", "方案超期": "timer_solution_due",
               "办结预警": "timer_resolution_warn", "办结超期": "timer_resolution_due",
               "评价超时": "timer_rating_due", "方案时限到": "timer_co_due"}


def _waiting_timers(app, number: str, name: str) -> list[Timer]:
    with app.extensions["qisu"].uow() as uow:
        rows = list(uow.session.scalars(
            select(Timer).join(Case, Case.id == Timer.case_id)
            .where(Case.number == number, Timer.name == TIMER_NAMES[name],
                   Timer.status == "waiting")))
        uow.session.expunge_all()
        return rows


@then(step_re(rf'等待中的 {q("timer")} 定时器到期时间为 {q("due")}'))
def timer_due(app, case, timer, due):
    rows = _waiting_timers(app, case["number"], timer)
    assert [r.due_at for r in rows] == [utc(due)], [(r.name, r.due_at) for r in rows]


@then(step_re(rf'没有等待中的 {q("timer")} 定时器'))
def no_timer(app, case, timer):
    assert _waiting_timers(app, case["number"], timer) == []


# -- task deadlines -------------------------------------------------------------------------------

TASK_DUE = (rf'{ROLE}{q("user")} 的 {q("task")} 任务期限为 {q("due")}'
            rf'(?:{SEP}按 {q("clock")} 计时)?(?:{SEP}剩余 (?P<seconds>-?\d+) 秒)?')


@then(step_re(TASK_DUE))
def task_due(api, case, user, task, due, clock, seconds):
    found = user_task(api, user, case["number"], task)
    assert shown(found["due_at"]) == due, found
    if clock is not None:
        assert found["deadline_clock"] == CLOCK_LABELS[clock], found
    if seconds is not None:
        assert found["seconds_left"] == int(seconds), found


@then(step_re(rf'{ROLE}{q("user")} 的 {q("task")} 任务(?P<negated>已|未)超期'))
def task_overdue(api, case, user, task, negated):
    found = user_task(api, user, case["number"], task)
    assert found["overdue"] is (negated == "已"), found


@then(step_re(rf'{ROLE}{q("user")} 的待办中有 (?P<count>\d+) 个该诉求的 {q("task")} 任务'))
def task_count(api, case, user, task, count):
    titles = [task_word(t) for t in user_tasks(api, user, case["number"])]
    assert titles.count(task) == int(count), titles


SORTS = {"期限": "due_at", "创建时间": "created_at"}


@then(step_re(rf'{ROLE}{q("user")} 的待办(?:按(?P<sort>期限|创建时间)排序)?依次属于企业 {q("ents")}'))
def tasks_in_order(api, world, user, sort, ents):
    """P12: whose cases the user's task list shows, top first (cases of this scenario only)."""
    names = [n.strip() for n in re.split(r"[、,，]", ents)]
    owners = {number: current(api, number)["enterprise"]["name"] for number in world.numbers}
    listed = [owners[t["case"]["number"]] for t in
              user_tasks(api, user, sort=SORTS[sort or "创建时间"]) if t["case"]["number"] in owners]
    assert listed == [enterprise(n)["name"] for n in names], listed


# -- internal messages to units (催办, 超期) -------------------------------------------------------

INTERNAL = {"催办": "urge", "超期": "overdue"}


def _unit_messages(app, number: str, unit: str, template: str):
    return [m for m in outbox(app, number)
            if m.channel == "internal" and m.recipient == f"unit:{unit}"
            and m.template == INTERNAL[template]]


@then(step_re(rf'承办单位 {q("unit")} 收到 (?P<count>\d+) 条 {q("template")} 站内消息'
              rf'(?:{SEP}内容含 {q("text")})?'))
def unit_messages(app, case, unit, count, template, text):
    found = _unit_messages(app, case["number"], unit, template)
    assert len(found) == int(count), [(m.template, m.body) for m in outbox(app, case["number"])]
    for message in found:
        assert case["number"] in message.body, message.body
        if text is not None:
            assert text in message.body, message.body


@then(step_re(rf'承办单位 {q("unit")} 没有收到 {q("template")} 站内消息'))
def no_unit_message(app, case, unit, template):
    assert _unit_messages(app, case["number"], unit, template) == []


@then(step_re(rf'承办单位 {q("unit")} 的 {q("template")} 站内消息早于 {q("clock")} 的到期时间发出'))
def message_before_deadline(api, app, case, unit, template, clock):
    found = _unit_messages(app, case["number"], unit, template)
    assert found, "没有站内消息"
    due = latest_clock(api, case["number"], clock)["due_at"]
    for message in found:
        assert beijing((message.created_at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")) < due


# -- history details ------------------------------------------------------------------------------

@then(step_re(rf'历史中有 {q("action")} 记录{SEP}其 {q("key")} 为 {q("value")}'))
def event_with(api, case, action, key, value):
    found = [e for e in events(api, case["number"]) if e["action"] == action]
    assert any(str((e["after"] or {}).get(key)) == value for e in found), \
        [(e["action"], e["after"]) for e in found]


@then(step_re(rf'历史中没有 {q("action")} 记录{SEP}其 {q("key")} 为 {q("value")}'))
def no_event_with(api, case, action, key, value):
    found = [e for e in events(api, case["number"]) if e["action"] == action]
    assert not any(str((e["after"] or {}).get(key)) == value for e in found), found


@then(step_re(rf'历史中有 (?P<count>\d+) 条 {q("task")} 任务的完成记录'))
def completed_count(api, case, count, task):
    history = events(api, case["number"])
    done = [e for e in history if e["action"] == "complete_task" and trail_task(api, e["task"]) == task]
    assert len(done) == int(count), [(e["action"], e["task"]) for e in history]


# -- supervision views (P8, P11, P12) -------------------------------------------------------------

VIEWS = {"超期": "overdue", "即将超期": "due-soon", "不满意": "dissatisfied", "红名单跟踪": "watch"}
VIEW = rf'{ROLE}{q("user")} 查看(?P<view>超期|即将超期|不满意|红名单跟踪)列表(?:（(?P<hours>\d+) 小时内）)?'


@when(step_re(VIEW))
def views_list(api, world, user, view, hours):
    params = {"hours": int(hours)} if hours else {}
    world.response = api.as_(user).get(f"/api/supervision/{VIEWS[view]}", **params)


def _listed(world: World) -> list[dict]:
    assert world.response.status == 200, world.response
    assert isinstance(world.response.json, list), world.response
    return world.response.json


def _row(world: World, number: str) -> dict:
    rows = [r for r in _listed(world) if r["number"] == number]
    assert len(rows) == 1, [r["number"] for r in _listed(world)]
    return rows[0]


@then(step_re(r'督办列表中(?P<negated>没)?有该诉求'))
def listed(world, case, negated):
    numbers = [r["number"] for r in _listed(world)]
    assert (case["number"] in numbers) is (negated is None), numbers


@then(step_re(rf'督办列表中(?P<negated>没)?有企业 {q("ent")} 的诉求'))
def listed_enterprise(world, negated, ent):
    names = [r["enterprise"] for r in _listed(world)]
    assert (enterprise(ent)["name"] in names) is (negated is None), names


@then(step_re(rf'督办列表中该诉求的 {q("clock")} 结果为 {q("outcome")}'))
def listed_clock(world, case, clock, outcome):
    row = _row(world, case["number"])
    found = [c["outcome"] for c in row["clocks"] if c["clock"] == CLOCK_LABELS[clock]]
    assert found and found[-1] == outcome, row["clocks"]


@then(step_re(rf'督办列表中该诉求的待办任务为 {q("tasks")}'))
def listed_tasks(api, world, case, tasks):
    row = _row(world, case["number"])
    expected = sorted(t.strip() for t in re.split(r"[、,，]", tasks))
    assert sorted(trail_task(api, t["title"]) for t in row["open_tasks"]) == expected, row["open_tasks"]


@then(step_re(rf'督办列表中该诉求的当前环节为 {q("step")}{SEP}红名单标记为 {q("flag")}'))
def listed_step(api, world, case, step, flag):
    row = _row(world, case["number"])
    assert step_words(api, row["current_step"]) == step and row["red_list"] is (flag == "是"), row


@then(step_re(r'督办列表中该诉求的时限为[:：]'))
def listed_clocks(world, case, datatable):
    header = list(datatable[0])
    row = _row(world, case["number"])
    actual = [[CLOCK_COLUMNS[column](c) for column in header] for c in row["clocks"]]
    assert actual == table_rows(datatable), actual


# `from tests.bdd.steps_deadlines import *` (in conftest.py) takes the steps, not the helpers.
__all__ = [name for name in dir() if name.startswith("pytestbdd_")]
