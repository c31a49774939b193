"""P18 dashboard page (/insight) as a leader uses it: the period shown, invalid periods, tiles,
the common-problems section of the chosen period, English labels."""
from __future__ import annotations

import csv
import html as html_lib
import io
import json
import re

import pytest
from openpyxl import load_workbook

from app.services.signals.common_problems import clear_cache
from tests.api.test_insight import DAY, dataset  # noqa: F401 (fixture)
from tests.api.test_insight_signals import seed_problems
from tests.support import logged_in, page_figures

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def _fresh_analysis():
    clear_cache()
    yield
    clear_cache()


def fragment_url(html: str) -> str:
    return html_lib.unescape(re.search(r'id="common-problems" hx-get="([^"]+)"', html).group(1))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_common_problems_follow_the_dashboard_period_and_filters(rt, app):
    seed_problems(rt, app)  # 5 similar 小榄镇 complaints on 2026-11-21, others on 2026-11-20
    client = logged_in(app, "leader1")

    page = client.get("/insight?from=2026-11-01&to=2026-11-23&domain=商贸旅游").get_data(as_text=True)
    url = fragment_url(page)
    assert "start=2026-11-01" in url and "end=2026-11-23" in url and "domain=" in url
    top = client.get(url).get_data(as_text=True)
    assert "统计期间：2026-11-01 至 2026-11-23" in top and "5 件 / 5 家企业" in top
    more = html_lib.unescape(re.search(r'<a href="([^"]+)">查看全部', top).group(1))
    assert "start=2026-11-01" in more and "end=2026-11-23" in more and "domain=" in more
    assert "2026-11-01" in client.get(more).get_data(as_text=True)

    earlier = fragment_url(client.get("/insight?from=2026-09-01&to=2026-10-31").get_data(as_text=True))
    top = client.get(earlier).get_data(as_text=True)
    assert "统计期间：2026-09-01 至 2026-10-31" in top
    assert "暂无共性问题" in top and "5 件" not in top

    other_unit = fragment_url(client.get("/insight?from=2026-11-01&to=2026-11-23&unit=bfz")
                              .get_data(as_text=True))
    assert "unit=bfz" in other_unit and "5 件" not in client.get(other_unit).get_data(as_text=True)

    # all time: the analysis covers the longest period it allows, up to today
    all_time = fragment_url(client.get("/insight?from=&to=").get_data(as_text=True))
    assert "start=2025-11-23" in all_time and "end=2026-11-23" in all_time
    assert "5 件 / 5 家企业" in client.get(all_time).get_data(as_text=True)


def test_the_page_says_which_period_it_shows(app):
    client = logged_in(app, "analyst1")
    default = client.get("/insight").get_data(as_text=True)
    assert "期间：2026-10-25 至 2026-11-23" in text_of(default)
    assert 'name="from" value="2026-10-25"' in default and 'name="to" value="2026-11-23"' in default
    all_time = text_of(client.get("/insight?from=&to=").get_data(as_text=True))
    assert "期间：全部时间" in all_time and "未限定期间，无环比" in all_time
    english = text_of(client.get("/insight?from=&to=", headers=ENGLISH).get_data(as_text=True))
    assert "Period: All time" in english and "No period chosen, so no comparison" in english


def test_an_invalid_period_is_explained_and_nothing_is_shown(app):
    client = logged_in(app, "leader1")
    response = client.get("/insight?from=2026-12-03&to=2026-11-01&kind=投诉")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "截止日期：截止日不能早于起始日" in page and "to:" not in page
    # the user's inputs stay, so they can be corrected
    assert 'name="from" value="2026-12-03"' in page and 'name="to" value="2026-11-01"' in page
    assert 'value="投诉" selected' in page
    # no figures of some other period
    assert "期间有误" in page and 'data-figure="' not in page and 'id="insight-data"' not in page
    english = client.get("/insight?from=2026-12-03&to=2026-11-01", headers=ENGLISH)
    assert "To: The end date is before the start date" in english.get_data(as_text=True)
    bad_day = client.get("/insight?from=2026-02-30").get_data(as_text=True)
    assert "起始日期：日期格式应为 YYYY-MM-DD" in bad_day


def test_tiles_and_ranking_show_rates_alike_while_exports_keep_numbers(app, dataset):  # noqa: F811
    client = logged_in(app, "leader1")
    page = client.get("/insight?from=2026-11-23&to=2026-11-23").get_data(as_text=True)
    figures = page_figures(page)
    assert figures["volume"] == "4" and figures["satisfaction_rate"] == "50.0%"
    assert figures["resolution_on_time_rate"] == "100.0%" and figures["direct_reply_rate"] == "25.0%"
    assert re.fullmatch(r"\d+\.\d", figures["avg_handling_seconds"])
    red = re.search(r'data-figure="satisfaction_rate">.*?class="kpi-red">(.*?)</div>', page, re.S)
    assert red.group(1).strip() == "红名单 —"
    assert "满意率（%）" not in page  # the value carries the % sign
    ranking = page[page.index('id="unit-ranking"'):page.index("</table>", page.index('id="unit-ranking"'))]
    assert "<td>50.0%</td>" in ranking and "<td>100.0%</td>" in ranking
    raw = client.get("/api/insight/metrics?from=2026-11-23&to=2026-11-23&format=xlsx")
    rows = {r[0]: r[1] for r in load_workbook(io.BytesIO(raw.data)).active.iter_rows(values_only=True)}
    assert rows["满意率（%）"] == 50 and rows["诉求量"] == 4


def test_english_domain_names_in_dropdowns_and_charts(app):
    client = logged_in(app, "leader1")
    page = client.get("/insight?domain=商贸旅游", headers=ENGLISH).get_data(as_text=True)
    assert '<option value="商贸旅游" selected>Commerce and tourism</option>' in page
    assert '<option value="投诉" >Complaint</option>' in page
    texts = json.loads(re.search(r'id="insight-text">(.*?)</script>', page, re.S).group(1))
    assert texts["domains"]["商贸旅游"] == "Commerce and tourism"
    assert texts["cases"] == "cases" and texts["colon"] == ": "
    chinese = client.get("/insight").get_data(as_text=True)
    texts = json.loads(re.search(r'id="insight-text">(.*?)</script>', chinese, re.S).group(1))
    assert texts["domains"]["商贸旅游"] == "商贸旅游" and texts["countAxis"] == "诉求量（件）"


def insight_data(html: str) -> dict:
    return json.loads(re.search(r'id="insight-data">(.*?)</script>', html, re.S).group(1))


def export_link(html: str, name: str) -> str:
    return html_lib.unescape(re.search(rf'href="([^"]+)" download data-export="{name}"', html).group(1))


def test_weekly_trend_says_which_days_of_a_cut_week_it_covers(rt, app):
    seed_problems(rt, app)  # 15 cases on 2026-11-20 and 11-21 (Friday, Saturday)
    client = logged_in(app, "leader1")
    html = client.get("/insight?from=2026-11-20&to=2026-11-25&granularity=week").get_data(as_text=True)
    series = insight_data(html)["trend"]["series"]
    assert [(s["period"], s["start"], s["end"], s["partial"], s["volume"]) for s in series] == [
        ("2026-11-16", "2026-11-20", "2026-11-22", True, 15)]
    texts = json.loads(re.search(r'id="insight-text">(.*?)</script>', html, re.S).group(1))
    assert texts["partial"] == "（不完整，仅 {n} 天）"
    english = client.get("/insight?granularity=week", headers=ENGLISH).get_data(as_text=True)
    assert " (partial: {n} days only)" in english
    # the trend export is the table shown: by week, with the days inside the period
    trend = export_link(html, "trend-csv")
    assert "granularity=week" in trend and "granularity" not in export_link(html, "units-csv")
    rows = list(csv.DictReader(io.StringIO(client.get(trend).data.decode("utf-8-sig"))))
    assert [(r["期间"], r["起始日期"], r["截止日期"], r["诉求量"]) for r in rows] == [
        ("2026-11-16", "2026-11-20", "2026-11-22", "15")]
    full = insight_data(client.get("/insight?from=2026-11-16&to=2026-11-22&granularity=week")
                        .get_data(as_text=True))["trend"]["series"]
    assert full[0]["partial"] is False and full[0]["start"] == "2026-11-16"


def test_an_empty_period_says_no_data(app):
    client = logged_in(app, "leader1")
    html = client.get("/insight?from=2020-01-01&to=2020-02-01").get_data(as_text=True)
    for chart in ("chart-trend", "chart-hot-consult", "chart-hot-complaint", "chart-towns"):
        assert f'<p class="no-data" data-empty="{chart}">暂无数据</p>' in html, chart
        assert f'id="{chart}"' not in html, chart  # no empty axes
    assert 'id="town-totals"' not in html  # no table of headers only
    english = client.get("/insight?from=2020-01-01&to=2020-02-01", headers=ENGLISH)
    assert english.get_data(as_text=True).count(">No data</p>") == 4


def test_an_invalid_date_stays_in_its_input(app):
    client = logged_in(app, "leader1")
    response = client.get("/insight?from=2026-13-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "起始日期：日期格式应为 YYYY-MM-DD" in html
    # a date input would show "2026-13-01" as empty; a text input keeps what the user typed
    assert '<input type="text" name="from" value="2026-13-01"' in html
    assert '<input type="date" name="to" value=""' in html
    valid = client.get("/insight?from=2026-11-01&to=2026-11-23").get_data(as_text=True)
    assert '<input type="date" name="from" value="2026-11-01"' in valid


def test_common_problems_follow_the_channel_and_red_list_filters(rt, app):
    seed_problems(rt, app)  # all received by phone, none of a red-list enterprise
    client = logged_in(app, "leader1")
    base = "/insight?from=2026-11-01&to=2026-11-23"
    url = fragment_url(client.get(f"{base}&channel=phone&red_list=false").get_data(as_text=True))
    assert "channel=phone" in url and "red_list=false" in url
    assert "5 件 / 5 家企业" in client.get(url).get_data(as_text=True)
    for query in ("channel=web", "red_list=true"):
        url = fragment_url(client.get(f"{base}&{query}").get_data(as_text=True))
        assert query in url and "暂无共性问题" in client.get(url).get_data(as_text=True), query
