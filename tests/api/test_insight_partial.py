"""P18 trend: a period that is not a full one says so — today (not over), the running week and
month, and a week or month cut by the chosen period — in the API, the export and the page."""
from __future__ import annotations

import csv
import io
import re

from tests.support import logged_in

ENGLISH = {"Accept-Language": "en"}


def buckets(api, **params) -> list[tuple]:
    body = api.as_("leader1").get("/api/insight/trend", **params).json
    return [(s["period"], s["start"], s["end"], s["partial"], s["cut"], s["ongoing"], s["volume"])
            for s in body["series"]]


def test_today_and_the_running_week_and_month_are_partial(api, rt):
    api.submit(1)  # Monday 2026-11-23, 10:00: today
    assert buckets(api, granularity="day") == [
        ("2026-11-23", "2026-11-23", "2026-11-23", True, False, True, 1)]
    # the week and month so far: their days up to today
    assert buckets(api, granularity="week") == [
        ("2026-11-23", "2026-11-23", "2026-11-23", True, True, True, 1)]
    assert buckets(api, granularity="month") == [
        ("2026-11-01", "2026-11-01", "2026-11-23", True, True, True, 1)]

    rt.clock.advance(days=1)  # no write since: the answers must still move on with the day
    assert buckets(api, granularity="day") == [
        ("2026-11-23", "2026-11-23", "2026-11-23", False, False, False, 1)]
    api.submit(1)
    assert [b[3:6] for b in buckets(api, granularity="day")] == [
        (False, False, False), (True, False, True)]
    assert buckets(api, granularity="week") == [
        ("2026-11-23", "2026-11-23", "2026-11-24", True, True, True, 2)]


def test_a_period_ending_before_today_is_cut_but_not_ongoing(api, rt):
    api.submit(1)
    rt.clock.advance(days=3)  # today is Thursday 2026-11-26
    assert buckets(api, granularity="week", **{"from": "2026-11-23", "to": "2026-11-24"}) == [
        ("2026-11-23", "2026-11-23", "2026-11-24", True, True, False, 1)]
    assert buckets(api, granularity="day", **{"from": "2026-11-23", "to": "2026-11-24"}) == [
        ("2026-11-23", "2026-11-23", "2026-11-23", False, False, False, 1)]


def test_the_export_and_the_page_mark_the_partial_day(app, api, rt):
    api.submit(1)
    rt.clock.advance(days=1)
    api.submit(1)
    leader = api.as_("leader1")
    raw = leader._client.get("/api/insight/trend", headers=leader.headers, query_string={
        "granularity": "day", "from": "2026-11-20", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(raw.data.decode("utf-8-sig"))))
    assert [(r["期间"], r["诉求量"], r["说明"]) for r in rows] == [
        ("2026-11-23", "1", ""), ("2026-11-24", "1", "今日未完")]
    week = leader._client.get("/api/insight/trend", headers=leader.headers, query_string={
        "granularity": "week", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(week.data.decode("utf-8-sig"))))
    assert [(r["起始日期"], r["截止日期"], r["说明"]) for r in rows] == [
        ("2026-11-23", "2026-11-24", "仅 2 天，今日未完")]

    client = logged_in(app, "leader1")
    html = client.get("/insight?granularity=day").get_data(as_text=True)
    note = re.search(r'id="trend-partial">(.*?)</p>', html, re.S).group(1)
    assert note == "虚线标出的期间不完整，数字不可与完整期间直接比较：2026-11-24（今日未完）"
    html = client.get("/insight?granularity=week&from=2026-11-01").get_data(as_text=True)
    note = re.search(r'id="trend-partial">(.*?)</p>', html, re.S).group(1)
    assert note.endswith("：11-23–11-24（仅 2 天，今日未完）")  # no cases before that week
    html = client.get("/insight?granularity=week&from=2026-11-24").get_data(as_text=True)
    note = re.search(r'id="trend-partial">(.*?)</p>', html, re.S).group(1)
    assert note.endswith("：11-24（仅 1 天，今日未完）")  # cut by the period and by today
    english = client.get("/insight?granularity=day", headers=ENGLISH).get_data(as_text=True)
    assert "2026-11-24 (today not over)" in english
    full = client.get("/insight?granularity=day&from=2026-11-20&to=2026-11-23").get_data(as_text=True)
    assert 'id="trend-partial"' not in full
