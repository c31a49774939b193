"""Shared steps of the policy scenarios (features/*.feature, in Chinese).

Everything a scenario does goes through the HTTP API (the `api` fixture); the database is read
directly only where there is no API: the outbox (SMS to enterprises, P1/P17; internal messages
to units, P5–P8), the stored clock outcomes and the projected timers (P8, P14). The case a scenario
works on is carried between steps by the `case` fixture (`target_fixture="case"`); the last
HTTP response and the numbers of all cases taken in the scenario live in `world`.

Vocabulary and helpers are in `common.py`; the steps of the deadline rules (P5–P8, P12) are in
`steps_deadlines.py`, those of revisit, return, extension and joint handling (P11, P13–P15)
in `steps_handling.py`, the outcome steps of P1/P3/P16/P17 in `steps_outcomes.py` and those on the case itself in `steps_case.py`, imported at the end of this module so pytest-bdd sees every step.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pytest_bdd import given, parsers, when

from app.clock import FixedClock
from app.demo.data import ENTERPRISES, USERS
from tests.bdd.common import (DEFAULT_DESCRIPTION, DEFAULT_REPLY, ROLE, SEP, STAFF,
                              UNIT_SPECIALISTS, World, complete, current, dispatch, enterprise,
                              events, matter_class, now_beijing, q, rate, step_re, table_dict,
                              unit_handles)
from tests.support import Response


@pytest.fixture
def world() -> World:
    return World()


# -- intake (P1, P2, P3) ----------------------------------------------------------------------

AGENT_INTAKE = (rf'话务员 {q("agent")} 为企业 {q("ent")} 受理一件 {q("kind")} 类诉求'
                rf'(?:{SEP}领域为 {q("domain")})?(?:{SEP}领域未知)?(?:{SEP}镇街为 {q("town")})?'
                rf'(?:{SEP}联系电话为 {q("contact_phone")})?(?:{SEP}内容为 {q("description")})?'
                rf'(?:{SEP}直接答复 {q("direct_reply")})?(?:{SEP}事项类别为 {q("matter")})?')


def _agent_intake(api, world, agent, ent, kind, domain=None, town=None, contact_phone=None,
                  description=None, direct_reply=None, matter=None):
    body = {"kind": kind, "description": DEFAULT_DESCRIPTION if description is None else description,
            "credit_code": enterprise(ent)["credit_code"]}
    for key, value in (("domain", domain), ("town", town), ("contact_phone", contact_phone),
                       ("direct_reply", direct_reply),
                       ("matter_class", matter and matter_class(matter))):
        if value is not None:
            body[key] = value
    return world.remember(api.as_(agent).post("/api/cases", json=body))


@given(step_re(AGENT_INTAKE), target_fixture="case")
def given_agent_intake(api, world, agent, ent, kind, domain, town, contact_phone, description,
                       direct_reply, matter):
    case = _agent_intake(api, world, agent, ent, kind, domain, town, contact_phone, description,
                         direct_reply, matter)
    assert case is not None, world.response
    return case


@when(step_re(AGENT_INTAKE), target_fixture="case")
def when_agent_intake(api, world, agent, ent, kind, domain, town, contact_phone, description,
                      direct_reply, matter):
    return _agent_intake(api, world, agent, ent, kind, domain, town, contact_phone, description,
                         direct_reply, matter)


@when(step_re(rf'话务员 {q("agent")} 为企业 {q("ent")} 连续受理 (?P<count>\d+) 件 {q("kind")} 类诉求'),
      target_fixture="case")
def agent_intakes_several(api, world, agent, ent, kind, count):
    case = None
    for _ in range(int(count)):
        case = _agent_intake(api, world, agent, ent, kind)
        assert case is not None, world.response
    return case


@when(step_re(rf'话务员 {q("agent")} 以信用代码 {q("code")} 受理一件 {q("kind")} 类诉求'),
      target_fixture="case")
def agent_intake_by_code(api, world, agent, code, kind):
    body = {"kind": kind, "description": DEFAULT_DESCRIPTION, "credit_code": code}
    return world.remember(api.as_(agent).post("/api/cases", json=body))


@when(step_re(rf'话务员 {q("agent")} 按来电号码 {q("phone")} 受理一件 {q("kind")} 类诉求'),
      target_fixture="case")
def agent_intake_by_phone(api, world, agent, phone, kind):
    body = {"kind": kind, "description": DEFAULT_DESCRIPTION, "phone": phone}
    return world.remember(api.as_(agent).post("/api/cases", json=body))


@when(step_re(rf'话务员 {q("agent")} 未提供信用代码和电话就受理一件 {q("kind")} 类诉求'),
      target_fixture="case")
def agent_intake_unidentified(api, world, agent, kind):
    body = {"kind": kind, "description": DEFAULT_DESCRIPTION}
    return world.remember(api.as_(agent).post("/api/cases", json=body))


SELF_SERVICE = (rf'企业用户 {q("user")} 自助提交一件 {q("kind")} 类诉求'
                rf'(?:{SEP}渠道为 {q("channel")})?(?:{SEP}直接答复 {q("direct_reply")})?')


@given(step_re(SELF_SERVICE), target_fixture="case")
@when(step_re(SELF_SERVICE), target_fixture="case")
def enterprise_self_service(api, world, user, kind, channel, direct_reply):
    body = {"kind": kind, "description": DEFAULT_DESCRIPTION}
    if channel is not None:
        body["channel"] = channel
    if direct_reply is not None:
        body["direct_reply"] = direct_reply
    return world.remember(api.as_(user).post("/api/cases", json=body))


def _some_demand() -> dict:
    return {"kind": "投诉", "description": DEFAULT_DESCRIPTION,
            "credit_code": enterprise("榄兴五金")["credit_code"]}


@when("未登录的用户提交一件诉求")
def anonymous_submits(api, world):
    world.remember(api.anonymous().post("/api/cases", json=_some_demand()))


@when("持无效令牌的用户提交一件诉求")
def bad_token_submits(api, world):
    raw = api.client.post("/api/cases", json=_some_demand(),
                          headers={"Authorization": "Bearer not-a-valid-token"})
    world.remember(Response(raw))


@when(step_re(rf'用户 {q("user")} 提交一件诉求'))
def user_submits(api, world, user):
    world.remember(api.as_(user).post("/api/cases", json=_some_demand()))


# -- shortcuts to a stage of the loop ------------------------------------------------------------

def _case_for(api, world, ent: str, kind: str) -> dict:
    case = _agent_intake(api, world, STAFF, ent, kind)
    assert case is not None, world.response
    return case


def _dispatch_ok(api, number: str, unit: str, matter: str | None = None,
                 co_units: str | None = None) -> None:
    suggested = current(api, number)["suggested_unit"]
    reason = None if suggested in (None, unit) else "派单员核实后确定承办单位"
    response = dispatch(api, number, unit, reason, matter, co_units)
    assert response.status == 200, response


# P7, P15: the dispatcher may set the matter class (which picks the deadlines) and co-units.
DISPATCH_EXTRAS = rf'(?:{SEP}事项类别为 {q("matter")})?(?:{SEP}协办单位为 {q("co_units")})?'


@given(step_re(rf'企业 {q("ent")} 的一件 {q("kind")} 类诉求已派往 {q("unit")}{DISPATCH_EXTRAS}'),
       target_fixture="case")
def case_dispatched(api, world, ent, kind, unit, matter, co_units):
    case = _case_for(api, world, ent, kind)
    _dispatch_ok(api, case["number"], unit, matter, co_units)
    return current(api, case["number"])


@given(step_re(rf'企业 {q("ent")} 的一件 {q("kind")} 类诉求已由 {q("unit")} 办结答复'),
       target_fixture="case")
def case_replied(api, world, ent, kind, unit):
    case = _case_for(api, world, ent, kind)
    _dispatch_ok(api, case["number"], unit)
    unit_handles(api, case["number"], unit)
    case = current(api, case["number"])
    assert case["status"] == "awaiting_rating", case
    return case


STAGES = {  # P17: cumulative steps from intake
    "已受理": [],
    "已派单": ["dispatch"],
    "已签收": ["dispatch", "sign"],
    "已联系企业": ["dispatch", "sign", "contact"],
    "已提出方案": ["dispatch", "sign", "contact", "propose"],
    "已答复": ["dispatch", "sign", "contact", "propose", "reply"],
    "不满意": ["dispatch", "sign", "contact", "propose", "reply", "不满意"],
    "已结案": ["dispatch", "sign", "contact", "propose", "reply", "满意"],
}
STAGE_DATA = {
    "sign": {},
    "contact": {"contacted_at": "2026-11-23T10:30:00+08:00", "contact_method": "上门"},
    "propose": {"solution": "会同园林部门现场查看, 移植影响通行的绿化带"},
    "reply": {"result": DEFAULT_REPLY[0], "reply_text": DEFAULT_REPLY[1]},
}


@given(step_re(rf'诉求已推进到 {q("stage")}'))
def case_advanced_to(api, case, stage):
    number = case["number"]
    owner = next(u["username"] for u in USERS
                 if u["enterprise_index"] is not None
                 and ENTERPRISES[u["enterprise_index"]]["name"] == case["enterprise"]["name"])
    for step in STAGES[stage]:
        if step == "dispatch":
            _dispatch_ok(api, number, "cgj")
            continue
        if step in STAGE_DATA:
            data = STAGE_DATA[step]
            if step == "contact":  # P5: contacted now, not before the dispatch nor in the future
                data = {**data, "contacted_at": now_beijing(api.app.extensions["qisu"])}
            response = complete(api, UNIT_SPECIALISTS["cgj"], number, step, data)
        else:
            response = rate(api, owner, number, step)
        assert response.status == 200, (step, response)


# -- dispatch (P4) ------------------------------------------------------------------------------

DISPATCH = rf'派单员(?:已)?将其派往 {q("unit")}(?:{SEP}改派理由为 {q("reason")})?{DISPATCH_EXTRAS}'


@given(step_re(DISPATCH))
def given_dispatched(api, world, case, unit, reason, matter, co_units):
    world.response = dispatch(api, case["number"], unit, reason, matter, co_units)
    assert world.response.status == 200, world.response


@when(step_re(DISPATCH))
def when_dispatched(api, world, case, unit, reason, matter, co_units):
    world.response = dispatch(api, case["number"], unit, reason, matter, co_units)


# -- unit handling, rating, supervision, leader (P9, P10) -------------------------------------

UNIT_HANDLES = (rf'承办单位 {q("unit")} (?:已)?(?:重新)?办理并答复企业'
                rf'(?:{SEP}答复结果为 {q("result")}{SEP}答复内容为 {q("reply_text")})?')


@given(step_re(UNIT_HANDLES))
@when(step_re(UNIT_HANDLES))
def unit_handles_step(api, case, unit, result, reply_text):
    unit_handles(api, case["number"], unit, result, reply_text)


# P10: "，理由为 "…"" gives the reason; "，未填写理由" sends none; without either, a dissatisfied
# rating carries tests.support.REASON.
RATING_REASON = rf'(?:{SEP}理由为 {q("comment")}|{SEP}(?P<no_reason>未填写理由))?'


@given(step_re(rf'{ROLE}{q("user")} 已评价为 {q("rating")}{RATING_REASON}'))
def given_rated(api, world, case, user, rating, comment, no_reason):
    world.response = rate(api, user, case["number"], rating, "" if no_reason else comment)
    assert world.response.status == 200, world.response


@when(step_re(rf'{ROLE}{q("user")} 评价为 {q("rating")}{RATING_REASON}'))
def when_rated(api, world, case, user, rating, comment, no_reason):
    world.response = rate(api, user, case["number"], rating, "" if no_reason else comment)


SUPERVISE = rf'督办员 {q("user")} (?:已)?下达督办意见 {q("instruction")}'


@given(step_re(SUPERVISE))
@when(step_re(SUPERVISE))
def supervise(api, world, case, user, instruction):
    world.response = complete(api, user, case["number"], "supervise", {"instruction": instruction})
    assert world.response.status == 200, world.response


LEADER = rf'领导 {q("user")} (?:已)?作出批示 {q("instruction")}'


@given(step_re(LEADER))
@when(step_re(LEADER))
def leader_instructs(api, world, case, user, instruction):
    world.response = complete(api, user, case["number"], "leader_instruction",
                              {"leader_instruction": instruction})
    assert world.response.status == 200, world.response


@when(step_re(rf'{ROLE}{q("user")} 办理 {q("task")} 任务(?:{SEP}填写[:：])?'))
def user_completes_task(api, world, case, user, task, datatable=None):
    data = table_dict(datatable) if datatable else {}
    world.response = complete(api, user, case["number"], task, data)


# -- configuration and time -------------------------------------------------------------------

@given(parsers.parse("最大不满意轮次设置为 {rounds:d}"))
def max_rounds(rt, request, rounds):
    previous = rt.settings.get("max_dissatisfied_rounds")
    rt.settings["max_dissatisfied_rounds"] = rounds
    request.addfinalizer(lambda: rt.settings.__setitem__("max_dissatisfied_rounds", previous))


@given(step_re(rf'当前北京时间为 {q("moment")}'))
def beijing_time_is(api, rt, moment):
    api.token(STAFF)  # log in at the suite's clock, so the cached token outlives this scenario
    local = datetime.strptime(moment, "%Y-%m-%d %H:%M")
    rt.clock = FixedClock(local - timedelta(hours=8))


@given(parsers.parse("时间过去 {minutes:d} 分钟"))
def time_passes(rt, minutes):
    rt.clock.advance(minutes=minutes)


# -- reading ----------------------------------------------------------------------------------

@when(step_re(rf'{ROLE}{q("user")} 查看该诉求'))
def user_views_case(api, world, case, user):
    world.response = api.as_(user).get(f"/api/cases/{case['number']}")


@when(step_re(rf'{ROLE}{q("user")} 查看该诉求的办理进展'))
def user_views_progress(api, world, case, user):
    world.response = api.as_(user).get(f"/api/cases/{case['number']}/progress")


@when(step_re(rf'{ROLE}{q("user")} 查看该诉求的历史'))
def user_views_history(api, world, case, user):
    world.response = api.as_(user).get(f"/api/cases/{case['number']}/history")


@when("未登录的用户查看该诉求的历史")
def anonymous_views_history(api, world, case):
    world.response = api.anonymous().get(f"/api/cases/{case['number']}/history")


@when(step_re(rf'{ROLE}{q("user")} 查看自己的诉求列表'))
def user_lists_cases(api, world, user):
    world.response = api.as_(user).get("/api/cases", per_page=100)


@given("记下诉求当前的版本和历史")
def take_snapshot(api, world, case):
    world.snapshot = (current(api, case["number"])["version"], events(api, case["number"]))


# -- the steps of the other rules (pytest-bdd finds steps among this module's fixtures) ----------

from tests.bdd.steps_case import *  # noqa: E402,F401,F403
from tests.bdd.steps_deadlines import *  # noqa: E402,F401,F403
from tests.bdd.steps_handling import *  # noqa: E402,F401,F403
from tests.bdd.steps_open311 import *  # noqa: E402,F401,F403
from tests.bdd.steps_outcomes import *  # noqa: E402,F401,F403
from tests.bdd.steps_routing import *  # noqa: E402,F401,F403
from tests.bdd.steps_insight import *  # noqa: E402,F401,F403
