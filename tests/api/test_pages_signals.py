"""P18 pages: common problems for the analysis meeting, the dashboard fragment, surge alerts."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from app.services.signals.common_problems import clear_cache
from tests.api.test_insight_signals import seed_problems, surge
from tests.conftest import START
from tests.signals_support import APPOINTMENT_COMPLAINTS, clear_alerts, insert_cases, spread
from tests.support import logged_in


@pytest.fixture(autouse=True)
def _signals(rt):
    clear_cache()
    yield
    clear_alerts(rt)
    clear_cache()


def test_common_problems_page_lists_groups_with_case_links(rt, app):
    ids = seed_problems(rt, app)
    client = logged_in(app, "analyst1")
    page = client.get("/insight/common-problems?town=小榄镇")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "共性问题" in html and "小榄镇行政服务中心" in html
    assert html.count('href="/cases/QS') == 5
    assert "format=csv" in html and "format=xlsx" in html
    export = client.get("/api/insight/common-problems?format=csv&town=小榄镇")
    assert export.status_code == 200 and "诉求件数" in export.get_data().decode("utf-8-sig")
    assert ids


def test_common_problems_page_shows_bad_filters(app):
    client = logged_in(app, "leader1")
    page = client.get("/insight/common-problems?start=2026-11-30&end=2026-11-01&unit=nosuch")
    assert page.status_code == 422
    assert "起始日期不能晚于截止日期" in page.get_data(as_text=True)


def test_fragment_is_a_compact_top_ten(rt, app):
    seed_problems(rt, app)
    client = logged_in(app, "supervisor1")
    fragment = client.get("/insight/fragments/common-problems?domain=商贸旅游")
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html
    assert "共性问题前十" in html and "5 件 / 5 家企业" in html
    assert "/insight/common-problems?domain=" in html


def test_pages_are_for_analysis_roles_only(app):
    client = logged_in(app, "agent1")
    assert client.get("/insight/common-problems").status_code == 403
    assert client.get("/insight/fragments/common-problems").status_code == 403
    assert client.get("/insight/signals").status_code == 403
    assert app.test_client().get("/insight/signals").status_code == 302


def test_supervisor_acknowledges_an_alert_on_the_supervision_page(rt, app):
    surge(rt, app)
    assert "new surge alerts: 1" in app.test_cli_runner().invoke(
        args=["qisu", "insight", "surges"]).output
    leader = logged_in(app, "leader1")
    html = leader.get("/supervision").get_data(as_text=True)
    assert "小榄镇 · 商贸旅游" in html and "确认</button>" not in html
    supervisor = logged_in(app, "supervisor1")
    html = supervisor.get("/supervision").get_data(as_text=True)
    assert "小榄镇 · 商贸旅游" in html and "确认</button>" in html
    assert '<small id="surge-open-count">1</small>' in html
    alert_id = int(re.search(r'id="surge-(\d+)"', html).group(1))
    row = supervisor.post(f"/insight/surges/{alert_id}/acknowledge",
                          headers={"HX-Request": "true", "X-CSRFToken": supervisor.csrf})
    assert row.status_code == 200 and "已确认" in row.get_data(as_text=True)
    assert '<small id="surge-open-count" hx-swap-oob="true">0</small>' in row.get_data(as_text=True)
    assert leader.post(f"/insight/surges/{alert_id}/acknowledge",
                       data={"csrf_token": leader.csrf}).status_code == 403
    signals = supervisor.get("/insight/signals").get_data(as_text=True)
    assert "近期确认的预警" in signals and "督办员梁芳" in signals
    assert "暂无激增预警" in supervisor.get("/supervision").get_data(as_text=True)


def test_common_problems_filters_are_dropdowns_and_show_the_analysed_period(rt, app):
    seed_problems(rt, app)
    client = logged_in(app, "analyst1")
    html = client.get("/insight/common-problems?unit=xlz&town=小榄镇").get_data(as_text=True)
    # units by name (the value is the code), towns from the enterprises, no internal codes to type
    assert '<select name="unit">' in html and '<option value="xlz" selected>小榄镇</option>' in html
    assert '<select name="town">' in html and "<option selected>小榄镇</option>" in html
    assert "承办单位代码" not in html
    # the default period (the 30 days up to today) is in the inputs and said in words
    assert 'name="start" value="2026-10-25"' in html and 'name="end" value="2026-11-23"' in html
    assert "统计期间：2026-10-25 至 2026-11-23" in html
    # the method in plain words with full-width punctuation, figures kept
    assert "分组方法：内容相近（相似度达到 0.25）的诉求归为一组；一组的诉求须来自至少 2 家不同企业。" in html
    assert "TF-IDF" not in html and "分析了本期全部 5 件诉求。" in html
    assert "css/insight.css" in html and 'class="period-cell"' in html
    chosen = client.get("/insight/common-problems?start=2026-11-01&end=2026-11-10").get_data(as_text=True)
    assert 'name="start" value="2026-11-01"' in chosen and "暂无共性问题" in chosen


def test_common_problems_page_in_english(rt, app):
    seed_problems(rt, app)
    client = logged_in(app, "analyst1")
    html = client.get("/insight/common-problems?domain=商贸旅游",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<option value="商贸旅游" selected>Commerce and tourism</option>' in html
    assert "Period: 2026-10-25 to 2026-11-23" in html
    assert "Method: demands with similar content (similarity at least 0.25)" in html
    assert "All 5 demands of the period were analysed." in html
    bad = client.get("/insight/common-problems?start=2026-11-30&end=2026-11-01",
                     headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "From: The start date is after the end date" in bad


def test_common_problems_field_errors_name_the_field(app):
    client = logged_in(app, "leader1")
    html = client.get("/insight/common-problems?start=2026-11-30&end=2026-11-01").get_data(as_text=True)
    assert "起始日期：起始日期不能晚于截止日期" in html and "start:" not in html
    assert "承办单位：未知的承办单位：nosuch" in client.get(
        "/insight/common-problems?unit=nosuch").get_data(as_text=True)


def test_surge_p_value_is_readable_and_the_count_follows_an_acknowledgement(rt, app):
    surge(rt, app)
    app.test_cli_runner().invoke(args=["qisu", "insight", "surges"])
    supervisor = logged_in(app, "supervisor1")
    html = supervisor.get("/insight/signals").get_data(as_text=True)
    assert '<small id="surge-open-count">1</small>' in html
    p_value = re.search(r'class="p-value">(.*?)</td>', html).group(1)
    assert unescape(p_value).replace("\u00a0", " ") == "< 0.001"  # not "2.5e-09"
    assert "e-0" not in html.split('<table class="surges">')[1]
    alert_id = int(re.search(r'id="surge-(\d+)"', html).group(1))
    row = supervisor.post(f"/insight/surges/{alert_id}/acknowledge",
                          headers={"HX-Request": "true", "X-CSRFToken": supervisor.csrf})
    body = row.get_data(as_text=True)
    assert "已确认" in body
    assert '<small id="surge-open-count" hx-swap-oob="true">0</small>' in body
    assert '<small id="surge-open-count">0</small>' in supervisor.get("/insight/signals").get_data(as_text=True)


ENGLISH = {"Accept-Language": "en"}


def test_surge_labels_are_in_the_readers_language(rt, app, api):
    # a quiet baseline, then 9 cases in 3 days at 小榄镇 (unit xlz): a town and a unit alert
    base = [{"enterprise": "榄兴五金", "town": "小榄镇", "domain": "商贸旅游", "unit": "xlz",
             "created_at": START - timedelta(days=31 - 4 * i)} for i in range(7)]
    insert_cases(rt, app, base + spread(START - timedelta(days=3), 3, 3, enterprise="凯明灯饰",
                                        town="小榄镇", domain="商贸旅游", unit="xlz",
                                        description=APPOINTMENT_COMPLAINTS[0]))
    assert "new surge alerts: 2" in app.test_cli_runner().invoke(
        args=["qisu", "insight", "surges"]).output
    supervisor = logged_in(app, "supervisor1")
    for url in ("/insight/signals", "/supervision"):
        english = supervisor.get(url, headers=ENGLISH).get_data(as_text=True)
        assert "小榄镇 · Commerce and tourism" in english, url
        assert "Receiving unit 小榄镇" in english and "承办单位" not in english, url
        assert "商贸旅游" not in english.split('<table class="surges">')[1], url
        chinese = supervisor.get(url).get_data(as_text=True)
        assert "小榄镇 · 商贸旅游" in chinese and "承办单位 小榄镇" in chinese, url
    # the API (and the supervisors' messages) keep the Chinese label
    labels = {a["label"] for a in api.as_("leader1").get("/api/insight/surges").json}
    assert labels == {"小榄镇 · 商贸旅游", "承办单位 小榄镇"}


def test_common_problems_page_wording_and_layout(rt, app):
    seed_problems(rt, app)
    client = logged_in(app, "analyst1")
    html = client.get("/insight/common-problems?town=小榄镇").get_data(as_text=True)
    assert "诉求编号（5）" in html
    assert "截止日期" in html and "结束日期" not in html  # the same label as on /insight
    assert "分析了本期全部 5 件诉求。分组方法：" in html  # no ASCII space between sentences
    # case numbers and intake times do not break inside; the demand column has room
    assert html.count('<a class="nowrap" href="/cases/QS') == 5
    assert html.count('<span class="nowrap">2026-11-21') == 5
    assert '<td class="demand">' in html and '<td class="towns">' in html
    english = client.get("/insight/common-problems?town=小榄镇", headers=ENGLISH).get_data(as_text=True)
    assert "Case no. (5)" in english and "（" not in english.split('<table class="problems">')[1]
    assert "analysed. Method:" in english


def test_common_problems_page_filters_by_channel_and_red_list(rt, app):
    seed_problems(rt, app)  # all by phone, none of a red-list enterprise
    client = logged_in(app, "analyst1")
    html = client.get("/insight/common-problems?channel=phone&red_list=false").get_data(as_text=True)
    assert '<option value="phone" selected>' in html and '<option value="false" selected>' in html
    assert html.count('href="/cases/QS') >= 5 and "channel=phone" in html  # the export follows
    for query in ("channel=web", "red_list=true"):
        html = client.get(f"/insight/common-problems?{query}").get_data(as_text=True)
        assert "暂无共性问题" in html and 'href="/cases/QS' not in html, query
    bad = client.get("/insight/common-problems?red_list=maybe")
    assert bad.status_code == 422 and "红名单：应为 true 或 false" in bad.get_data(as_text=True)


def test_an_invalid_date_stays_visible_in_its_input(app):
    client = logged_in(app, "leader1")
    html = client.get("/insight/common-problems?start=2026-13-01").get_data(as_text=True)
    # a date input would show a value that is no date as empty: a text input keeps it
    assert '<input type="text" name="start" value="2026-13-01"' in html
    assert '<input type="date" name="end" value=""' in html
