"""Vocabulary and helpers shared by the step modules of the policy scenarios.

The step definitions live in `conftest.py` (P1–P4, P9, P10, P16, P17), `steps_deadlines.py`
(P5–P8, P10 rounds, P12) and `steps_handling.py` (P11, P13–P15); they all build on these.
Nothing here is a step or a fixture.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from pytest_bdd import parsers
from sqlalchemy import select

from app.db.models import Case, OutboxMessage
from app.demo.data import ENTERPRISES, USERS
from app.domain.vocab import CLOCKS, MATTER_CLASSES
from tests.support import Response

# -- vocabulary -------------------------------------------------------------------------------

SEP = r"[，,]\s*"
ROLE = r"(?:话务员|派单员|督办员|领导|企业用户|专员|用户)?\s*"


def q(name: str) -> str:
    """A quoted step argument."""
    return f'"(?P<{name}>[^"]*)"'


def step_re(pattern: str):
    return parsers.re(pattern)


SMS_TEMPLATES = {"受理回执": "acknowledge", "直接答复": "direct_reply", "转办通知": "dispatched",
                 "答复通知": "reply", "结案通知": "closed"}
UNIT_SPECIALISTS = {u["unit_code"]: u["username"] for u in USERS if u["unit_code"]}
DEFAULT_DESCRIPTION = "厂区门口绿化带影响货车进出,请求协调移植"
DEFAULT_REPLY = ("解决", "已协调园林部门移植绿化带,车辆进出恢复正常")
SUPERVISOR, DISPATCHER, STAFF = "supervisor1", "dispatcher1", "agent1"


def enterprise(short_name: str) -> dict:
    """A demo enterprise by (part of) its name, e.g. "榄兴五金"."""
    found = [e for e in ENTERPRISES if short_name in e["name"]]
    assert len(found) == 1, f"企业 {short_name!r} 应唯一匹配一家演示企业, 实际 {len(found)} 家"
    return found[0]


@dataclass
class World:
    response: Response | None = None
    numbers: list[str] = field(default_factory=list)
    snapshot: tuple | None = None

    def remember(self, response: Response) -> dict | None:
        """Keep the response; a created case joins the cases of the scenario."""
        self.response = response
        if response.status == 201 and response.json and "number" in response.json:
            self.numbers.append(response.json["number"])
            return response.json
        return None


# -- helpers ----------------------------------------------------------------------------------

def current(api, number: str) -> dict:
    """The case as hotline staff see it now."""
    response = api.as_(STAFF).get(f"/api/cases/{number}")
    assert response.status == 200, response
    return response.json


def events(api, number: str) -> list[dict]:
    response = api.as_(STAFF).get(f"/api/cases/{number}/history")
    assert response.status == 200, response
    return response.json["events"]


def outbox(app, number: str | None = None) -> list[OutboxMessage]:
    with app.extensions["qisu"].uow() as uow:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        if number is not None:
            stmt = stmt.join(Case, Case.id == OutboxMessage.case_id).where(Case.number == number)
        rows = list(uow.session.scalars(stmt))
        uow.session.expunge_all()
        return rows


# -- the steps of the process, by behaviour -----------------------------------------------------
# A scenario names a step of the process by its word (签收); the word stands for the BPMN user
# task(s) of that step by element id, which forms, lanes and the engine refer to. The title a
# designer gives the task (签收 → 签收工单) is wording, so the policy check does not judge it.
TASK_IDS: dict[str, tuple[str, ...]] = {
    "派单": ("dispatch",), "签收": ("sign",), "联系企业": ("contact",), "提出解决方案": ("propose",),
    "办结答复": ("reply",), "协办": ("co_handle",), "评价": ("rate",), "表扬确认": ("acknowledge_praise",),
    "督办回访": ("supervise",), "领导批示": ("leader_instruction",), "回访": ("revisit",),
    "退单审核": ("review_return",), "延期审批": ("approve_extension",),
    "超期督办": ("supervise_overdue_response", "supervise_overdue_solution",
                 "supervise_overdue_resolution"),
}


def task_is(task: dict, word: str) -> bool:
    """Whether an open task (API: "name" = BPMN id, "title") is the step `word` (or has that id)."""
    ids = TASK_IDS.get(word)
    return task["name"] in ids if ids else word in (task["title"], task["name"])


def task_word(task: dict) -> str:
    """The scenario's word for an open task: 签收 for the task with id "sign", whatever its title."""
    return next((word for word, ids in TASK_IDS.items() if task.get("name") in ids), task["title"])


_TITLES: dict[str, dict[str, str]] = {}


def deployed_titles(rt) -> dict[str, str]:
    """Title → scenario word of the user tasks of the newest deployment (the trail records the
    title a task had)."""
    from lxml import etree

    from app.services.deployments import bundle_files, latest
    with rt.uow() as uow:
        deployment = latest(uow.session)
        key = deployment.bundle_hash
        if key not in _TITLES:
            words = {}
            for name, content in bundle_files(uow.session, deployment).items():
                if name.endswith(".bpmn"):
                    for node in etree.fromstring(content.encode()).iter("{*}userTask"):
                        words[node.get("name")] = task_word({"name": node.get("id"), "title": node.get("name")})
            _TITLES[key] = words
        return _TITLES[key]


def trail_task(api, title: str | None) -> str | None:
    """The scenario's word for the task title a trail entry records."""
    if title is None:
        return None
    return deployed_titles(api.app.extensions["qisu"]).get(title, title)


def step_words(api, current_step: str | None) -> str | None:
    """A case's current step as the API shows it ("签收工单、超期督办": task titles) in the
    scenario's words ("签收、超期督办")."""
    if current_step is None:
        return None
    return "、".join(trail_task(api, title) for title in current_step.split("、"))


def open_task(api, number: str, title_or_name: str) -> dict:
    for task in current(api, number)["open_tasks"]:
        if task_is(task, title_or_name):
            return task
    pytest.fail(f"诉求 {number} 没有待办的 {title_or_name!r} 任务")


def complete(api, user: str, number: str, title_or_name: str, data: dict | None = None) -> Response:
    task = open_task(api, number, title_or_name)
    return api.as_(user).post(f"/api/tasks/{task['id']}/complete", json={"data": data or {}})


def dispatch(api, number: str, unit: str, reason: str | None = None,
             matter: str | None = None, co_units: str | None = None) -> Response:
    """派单; `matter` is a matter class (中文名称或编码), `co_units` a list like "rsj、zjj"."""
    data = {"unit_code": unit}
    if reason is not None:
        data["override_reason"] = reason
    if matter is not None:
        data["matter_class"] = matter_class(matter)
    if co_units is not None:
        data["co_units"] = split_list(co_units)
    return complete(api, DISPATCHER, number, "dispatch", data)


def matter_class(word: str) -> str:
    """紧急事项 / 水电气热 / 一般事项 / 复杂事项 (or the code itself) → the code sla.dmn reads."""
    codes = {label[0]: code for code, label in MATTER_CLASSES.items()}
    return codes.get(word, word)


def split_list(text: str) -> list[str]:
    """"rsj、zjj" → ["rsj", "zjj"]; an empty text is an empty list."""
    return [part.strip() for part in re.split(r"[、,，]", text) if part.strip()]


def unit_handles(api, number: str, unit: str, result: str | None = None,
                 reply_text: str | None = None) -> None:
    """The unit's specialist signs, contacts the enterprise, proposes and replies."""
    specialist = UNIT_SPECIALISTS[unit]
    steps = (("sign", {}),
             ("contact", {"contacted_at": now_beijing(api.app.extensions["qisu"]),
                          "contact_method": "电话"}),
             ("propose", {"solution": "会同园林部门现场查看, 移植影响通行的绿化带"}),
             ("reply", {"result": result or DEFAULT_REPLY[0],
                        "reply_text": reply_text or DEFAULT_REPLY[1]}))
    for name, data in steps:
        response = complete(api, specialist, number, name, data)
        assert response.status == 200, (name, response)


def rate(api, user: str, number: str, rating: str, comment: str | None = None) -> Response:
    """评价; a dissatisfied rating carries a reason (P10): `comment`, else tests.support.REASON
    ("" sends none, to see the refusal)."""
    return api.rate(number, rating, enterprise_user=user, comment=comment)


def table_rows(datatable) -> list[list[str]]:
    """Data rows of a table whose first row is the header."""
    return [list(row) for row in datatable[1:]]


def table_dict(datatable) -> dict[str, str | None]:
    """A two-column 字段|值 table; an empty cell means null."""
    return {key: (value if value != "" else None) for key, value in table_rows(datatable)}


def error_of(world: World) -> dict:
    body = world.response.json
    assert isinstance(body, dict) and set(body) == {"error"}, world.response
    error = body["error"]
    assert {"code", "message", "fields"} <= set(error) <= {"code", "message", "fields", "message_code", "params"}, error
    assert isinstance(error["message"], str) and error["message"], error
    assert isinstance(error["fields"], dict), error
    return error


# -- deadlines: times, clocks and tasks (P5–P15) ----------------------------------------------

CLOCK_LABELS = {label[0]: code for code, label in CLOCKS.items()}  # 响应时限 → response


def beijing(moment: str) -> str:
    """"2026-11-23 11:00" (北京时间) → "2026-11-23T11:00:00+08:00", the API's form."""
    if "T" in moment:
        return moment
    return datetime.strptime(moment, "%Y-%m-%d %H:%M").strftime("%Y-%m-%dT%H:%M:00+08:00")


def shown(value: str | None) -> str:
    """The API's "2026-11-23T11:00:00+08:00" → "2026-11-23 11:00"; None → ""."""
    if value is None:
        return ""
    assert value.endswith("+08:00"), f"时间应以北京时间表示: {value}"
    return value.replace("T", " ")[:16]


def utc(moment: str) -> datetime:
    """北京时间 "2026-11-23 11:00" → naive UTC, as the database stores it."""
    return datetime.strptime(moment, "%Y-%m-%d %H:%M") - timedelta(hours=8)


def now_beijing(rt) -> str:
    return (rt.clock.now() + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S+08:00")


def clocks(api, number: str, label: str | None = None, round_: int | None = None) -> list[dict]:
    """The case's clocks (oldest first), optionally of one kind (响应时限…) and one round."""
    rows = current(api, number)["clocks"]
    if label is not None:
        assert label in CLOCK_LABELS, f"未知时限 {label!r}, 应为 {'/'.join(CLOCK_LABELS)}"
        rows = [c for c in rows if c["clock"] == CLOCK_LABELS[label]]
    if round_ is not None:
        rows = [c for c in rows if c["round"] == round_]
    return rows


def latest_clock(api, number: str, label: str) -> dict:
    rows = clocks(api, number, label)
    assert rows, f"诉求 {number} 没有 {label}"
    return rows[-1]


def user_tasks(api, user: str, number: str | None = None, **params) -> list[dict]:
    if number is not None:
        params["case_number"] = number
    return api.as_(user).tasks(per_page=100, **params)


def user_task(api, user: str, number: str, title: str) -> dict:
    """The user's own open task of this case with this title (or BPMN name)."""
    found = [t for t in user_tasks(api, user, number) if task_is(t, title)]
    assert found, f"{user} 的待办中没有诉求 {number} 的 {title!r} 任务"
    return found[0]


def complete_own(api, user: str, number: str, title: str, data: dict) -> Response:
    task = user_task(api, user, number, title)
    return api.as_(user).post(f"/api/tasks/{task['id']}/complete", json={"data": data})


def task_data(rt, title: str) -> dict:
    """Ordinary form data for a unit or supervisor task, as a specialist would fill it in."""
    data = {
        "签收": {"sign_action": "签收"},
        "联系企业": {"contacted_at": now_beijing(rt), "contact_method": "电话",
                     "contact_note": "已电话联系企业负责人, 了解诉求详情"},
        "提出解决方案": {"solution": "会同园林部门现场查看, 移植影响通行的绿化带"},
        "办结答复": {"result": DEFAULT_REPLY[0], "reply_text": DEFAULT_REPLY[1]},
        "协办": {"co_opinion": "本单位职责范围内的事项已核实, 同意主办单位方案"},
        "超期督办": {"instruction": "请承办单位立即联系企业, 当日内反馈"},
    }
    assert title in data, f"没有 {title!r} 任务的默认表单数据"
    return data[title]
