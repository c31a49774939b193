"""Steps of the P18 insight scenarios (features/p18_insight.feature): read the figures through
the insight API (/api/insight) after real cases went through the loop."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

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




# -- issue 16: figures agree under a unit filter; partial periods are marked ---------------------

@when(step_re(rf'{ROLE}{q("user")} 查看当日承办单位 {q("unit")} 的决策分析'))
def view_unit(api, rt, world, user, unit):
    """The key figures and the unit ranking of the day, filtered to one unit."""
    today = _today(rt)
    world.query = {"from": today, "to": today, "unit": unit}
    world.remember(api.as_(user).get("/api/insight/metrics", **world.query))
    world.insight = world.response.json
    world.ranking = api.as_(user).get("/api/insight/units", **world.query).json["items"]
    world.period = today


@then(step_re(rf'排名只有承办单位 {q("unit")}{SEP}诉求量为 (?P<volume>\d+){SEP}'
              rf'退单数为 (?P<returns>\d+)'))
def only_unit_in_ranking(world, unit, volume, returns):
    assert [(r["unit_code"], r["volume"], r["returns"]) for r in world.ranking] == \
        [(unit, int(volume), int(returns))], world.ranking


@then("导出的核心指标和排名与页面数据一致")
def exports_agree(api, world):
    leader = api.as_("leader1")
    figures = _csv(leader, "metrics", world.query)
    by_label = {row["指标"]: row["全部"] for row in figures}
    for label, key in (("诉求量", "volume"), ("退单数", "returns"), ("延期数", "extensions")):
        assert by_label[label] == str(world.insight[key]), (label, by_label[label])
    ranking = _csv(leader, "units", world.query)
    assert [(r["单位编码"], r["诉求量"], r["退单数"]) for r in ranking] == \
        [(r["unit_code"], str(r["volume"]), str(r["returns"])) for r in world.ranking]


@then(step_re(rf'各承办单位的退单数之和等于指标 {q("figure")}'))
def ranking_sums_to_tile(api, world, figure):
    items = api.as_("leader1").get("/api/insight/units", **{"from": world.period,
                                                             "to": world.period}).json["items"]
    key = FIGURES[figure]
    assert sum(r[key] for r in items) == world.insight[key], items


def _csv(user, table: str, query: dict) -> list[dict]:
    raw = user._client.get(f"/api/insight/{table}", query_string={**query, "format": "csv"},
                           headers=user.headers)
    assert raw.status_code == 200
    return list(csv.DictReader(io.StringIO(raw.data.decode("utf-8-sig"))))


@when(step_re(rf'{ROLE}{q("user")} 按日查看最近 (?P<days>\d+) 天的趋势'))
def view_daily_trend(api, rt, world, user, days):
    today = local(rt.clock.now()).date()
    query = {"from": (today - timedelta(days=int(days) - 1)).isoformat(),
             "to": today.isoformat(), "granularity": "day"}
    world.remember(api.as_(user).get("/api/insight/trend", **query))
    world.trend = {s["period"]: s for s in world.response.json["series"]}
    world.notes = {r["期间"]: r["说明"] for r in _csv(api.as_(user), "trend", query)}
    world.period = today.isoformat()


@then(step_re(rf'今日的趋势数据标为不完整{SEP}说明为 {q("note")}'))
def today_partial(world, note):
    day = world.trend[world.period]
    assert (day["partial"], day["ongoing"]) == (True, True), day
    assert world.notes[world.period] == note


@then("昨日的趋势数据为完整的一天")
def yesterday_full(world):
    yesterday = (date.fromisoformat(world.period) - timedelta(days=1)).isoformat()
    day = world.trend[yesterday]
    assert (day["partial"], day["cut"], day["ongoing"]) == (False, False, False), day
    assert world.notes[yesterday] == ""


@then("今日没有趋势数据")
def no_data_today(world):
    assert world.period not in world.trend
