"""`flask qisu demo-cases`: a working set of live cases for the demo, so that every role finds
something to do after `make run` — demands waiting for the dispatcher, at a unit, overdue,
waiting for the enterprise's rating, rated 不满意 (back to supervision), closed.

The cases go through the real use cases (intake, task completion, rating) and the deployed
process, like users' own; only the clock is set back for the steps that happened earlier, so
that deadlines, overdue timers and the history look as they would. The cases are listed here
(`CASES`); units, enterprises and users come from `app/demo/data.py`; `generate-history` makes
the statistical history (LS… numbers) separately. Because it moves the runtime's clock while it
plays, it runs as its own command, never inside a serving process.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from app.clock import FixedClock, local
from app.db.models import Case, User
from app.domain.errors import DomainError
from app.services.auth import to_actor
from app.services.intake import submit_case
from app.services.runtime import Runtime
from app.services.tasks import complete_for_case
from app.services.timers import fire_due

from . import data as demo_data


@dataclass(frozen=True)
class DemoCase:
    enterprise: int            # index into demo_data.ENTERPRISES
    kind: str
    domain: str | None         # None: the classifier suggests it
    description: str
    minutes_ago: int           # when the enterprise called
    unit: str | None = None    # the dispatcher sends it here
    steps: tuple[str, ...] = ()  # unit steps done: sign, contact, propose, reply
    rating: str | None = None
    direct_reply: str | None = None
    extra: dict = field(default_factory=dict)


CASES: tuple[DemoCase, ...] = (
    # waiting for the dispatcher (派单)
    DemoCase(3, "投诉", "城市管理", "厂区门口道路被渣土车长期占道停放，货车进出困难，请求协调清理。", 20),
    DemoCase(7, "咨询", "劳动和社会保障", "咨询今年失业保险稳岗返还的申领条件和办理时间，企业去年没有裁员。", 35),
    DemoCase(5, "求助", "市场监管", "医疗器械经营许可证延续申请已提交一个月，系统仍显示审核中，下周投标需要，"
             "请求帮助加快办理。", 10),
    # at the unit, not yet signed: the 60-minute response deadline is near
    DemoCase(1, "投诉", "城市管理", "厂房旁边的空地堆放大量建筑垃圾，夜间有人焚烧，烟味很大，影响员工休息。", 45,
             unit="cgj"),
    # at the unit, not signed for three hours: overdue (the worker fires the timer)
    DemoCase(13, "求助", "城乡建设", "新厂房工地临时用电报装两周仍未接通，施工无法进行，请协调供电和住建部门。",
             180, unit="zjj"),
    # red-list enterprise, signed, contacted and a solution proposed (红名单一跟到底)
    DemoCase(0, "求助", "环境保护", "企业扩建项目环评批复后，排污许可证变更一直未办结，影响新产线投产。",
             26 * 60, unit="bfz", steps=("sign", "contact", "propose")),
    # replied; waiting for the enterprise's rating (ent2 sees 去评价)
    DemoCase(1, "咨询", "市场监管", "出口产品需要办理质量检验相关证明，咨询在哪里办理、需要哪些材料。", 3 * 24 * 60,
             unit="scjgj", steps=("sign", "contact", "propose", "reply")),
    # rated 不满意: back through supervision (the dual closed loop)
    DemoCase(1, "投诉", "劳动和社会保障", "员工社保转移手续在两个窗口之间来回跑了四次仍未办好，希望一次办结。",
             5 * 24 * 60, unit="rsj", steps=("sign", "contact", "propose", "reply"), rating="不满意",
             extra={"rating_comment": "答复只是解释流程，问题没有解决"}),
    # closed, satisfied
    DemoCase(2, "建议", "城市管理", "建议在园区主干道增设夜间路灯，方便员工下夜班出行。", 6 * 24 * 60,
             unit="cgj", steps=("sign", "contact", "propose", "reply"), rating="满意"),
    # answered on the phone by the agent (直接答复)
    DemoCase(9, "咨询", "市场监管", "请问电子营业执照怎么下载和使用？", 90,
             direct_reply="可在微信或支付宝搜索“电子营业执照”小程序，法定代表人实名认证后即可下载，"
                          "用于网上办事时的身份验证和签名。"),
    # no domain given: the classifier suggests one (and may dispatch it by itself)
    DemoCase(4, "投诉", None, "我司工厂附近的河涌每天晚上有企业偷排污水，河水发黑发臭，希望环保部门尽快调查处理。",
             15),
)

UNIT_DATA = {
    "sign": lambda at: {},
    "contact": lambda at: {"contacted_at": local(at).isoformat(timespec="seconds"), "contact_method": "电话",
                           "contact_note": "已与企业负责人电话沟通，了解具体情况"},
    "propose": lambda at: {"solution": "会同相关部门现场核查，三个工作日内给出处理意见"},
    "reply": lambda at: {"result": "解决", "reply_text": "经协调，相关部门已按企业诉求办理完毕，请企业确认。"},
}


# how long after the previous step each step happens: within every deadline (P5–P7)
AFTER = {"dispatch": timedelta(minutes=10), "sign": timedelta(minutes=5),
         "contact": timedelta(minutes=10), "propose": timedelta(hours=5),
         "reply": timedelta(days=2), "rate": timedelta(hours=3)}


def has_live_cases(rt: Runtime) -> bool:
    """Whether any case other than generated history (LS…) exists."""
    with rt.uow() as uow:
        return uow.session.scalar(select(Case.id).where(Case.number.not_like("LS%")).limit(1)) is not None


def create_demo_cases(rt: Runtime, cases: tuple[DemoCase, ...] = CASES) -> dict:
    """Submit and advance the demo cases; fire the timers that are due by now. A case whose step
    the deployed process refuses (say, a designer renamed a task) stops where it is and is
    reported in ``problems``; the others go on, so that `make run` still serves the demo."""
    actors = _actors(rt)
    real_clock = rt.clock
    numbers, problems = [], []
    try:
        for item in cases:
            try:
                numbers.append(_play(rt, actors, item, real_clock.now()))
            except DomainError as err:
                problems.append(f"{item.description[:16]}… — {err.describe()}")
    finally:
        rt.clock = real_clock
    fired = fire_due(rt)
    return {"cases": len(numbers), "timers_fired": fired, "numbers": numbers, "problems": problems}


def _step(rt: Runtime, at, name: str):
    at += AFTER[name]
    rt.clock = FixedClock(at)
    return at


def _specialist(rt: Runtime, actors: dict, number: str):
    """A demo user of the case's lead unit, if there is one."""
    with rt.uow() as uow:
        unit_id = uow.session.scalar(select(Case.unit_id).where(Case.number == number))
    return next((a for a in actors.values() if a.role == "unit" and a.unit_id == unit_id), None)


def _actors(rt: Runtime) -> dict:
    with rt.uow() as uow:
        return {u.username: to_actor(u) for u in uow.session.scalars(select(User))}


def _play(rt: Runtime, actors: dict, item: DemoCase, now) -> str:
    at = now - timedelta(minutes=item.minutes_ago)
    rt.clock = FixedClock(at)
    enterprise = demo_data.ENTERPRISES[item.enterprise]
    payload = {"kind": item.kind, "description": item.description, "domain": item.domain,
               "credit_code": enterprise["credit_code"], "town": enterprise["town"]}
    if item.direct_reply:
        payload["direct_reply"] = item.direct_reply
    case = submit_case(rt, actors["agent1"], payload)
    number = case["number"]
    if item.unit is None:
        return number
    at = _step(rt, at, "dispatch")
    if case["status"] == "dispatching":  # else the classifier dispatched it by itself (P4)
        dispatch = {"unit_code": item.unit}
        if case.get("suggested_unit") != item.unit:
            dispatch["override_reason"] = "按企业诉求涉及的职责派往主管部门"
        complete_for_case(rt, actors["dispatcher1"], number, "dispatch", dispatch)
    specialist = _specialist(rt, actors, number)
    if specialist is None:  # at a unit without a demo user: it waits there
        return number
    for name in item.steps:
        at = _step(rt, at, name)
        complete_for_case(rt, specialist, number, name, UNIT_DATA[name](at))
    if item.rating:
        at = _step(rt, at, "rate")
        user = next(u for u in demo_data.USERS if u["enterprise_index"] == item.enterprise)
        complete_for_case(rt, actors[user["username"]], number, "rate",
                          {"rating": item.rating, **item.extra})
    return number
