"""Steps of the P18 insight scenarios (features/p18_insight.feature): read the figures through
the insight API (/api/insight) after real cases went through the loop."""
from __future__ import annotations

from app.clock import local
from pytest_bdd import then, when

from tests.bdd.common import SEP, q, step_re

ROLE = r"(?:话务员|督办员|领导|分析员|管理员)?\s*"

FIGURES = {"诉求量": "volume", "派单量": "dispatched", "直接答复率": "direct_reply_rate",
           "按时响应率": "response_on_time_rate", "按时提出方案率": "solution_on_time_rate",
           "按时办结率": "resolution_on_time_rate", "满意率": "satisfaction_rate",
           "含基本满意的满意率": "satisfaction_rate_basic", "退单数": "returns", "延期数": "extensions"}


def _value(text: str):
    return round(float(text[:-1]) / 100, 4) if text.endswith("%") else int(text)


def _today(rt) -> str:
    return local(rt.clock.now()).date().isoformat()


@when(step_re(rf'{ROLE}{q("user")} 查看当日的决策分析指标'))
def view_metrics(api, rt, world, user):
    today = _today(rt)
    world.remember(api.as_(user).get("/api/insight/metrics", **{"from": today, "to": today}))
    world.insight = world.response.json
    world.period = today


@then(step_re(rf'(?P<red>红名单)?指标 {q("figure")} 为 {q("value")}'))
def figure_is(world, red, figure, value):
    body = world.insight["red_list"] if red else world.insight
    assert body[FIGURES[figure]] == _value(value), body


@then(step_re(rf'承办单位 {q("unit")} 的排名数据中诉求量为 (?P<volume>\d+){SEP}满意率为 {q("rate")}'))
def unit_ranking(api, world, unit, volume, rate):
    items = api.as_("leader1").get("/api/insight/units", **{"from": world.period,
                                                             "to": world.period}).json["items"]
    row = next(item for item in items if item["unit_code"] == unit)
    assert row["volume"] == int(volume) and row["satisfaction_rate"] == _value(rate), row


@when(step_re(rf'{ROLE}{q("user")} 查看 {q("start")} 至 {q("end")} 的(?P<kind>投诉|咨询)热点'))
def view_hotspots(api, world, user, start, end, kind):
    world.remember(api.as_(user).get("/api/insight/hotspots", **{"from": start, "to": end}))
    world.hotspots = world.response.json["kinds"][kind]


@then(step_re(rf'(?:投诉|咨询)热点第 (?P<rank>\d+) 位为 {q("domain")}{SEP}诉求量 (?P<count>\d+)'
              rf'{SEP}较上期(?P<direction>增加|减少) (?P<change>\d+)'))
def hotspot_rank(world, rank, domain, count, direction, change):
    row = world.hotspots[int(rank) - 1]
    sign = 1 if direction == "增加" else -1
    assert (row["domain"], row["count"], row["change"]) == (domain, int(count), sign * int(change)), row


