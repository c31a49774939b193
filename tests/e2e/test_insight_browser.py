"""In the browser: the leader's dashboard (P18) draws its ECharts charts over generated history,
filters by kind, and a table downloads as XLSX."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.api.test_insight_history import _drop_synthetic_enterprises  # noqa: F401 (fixture)


def test_dashboard_charts_and_export(person, app):
    result = app.test_cli_runner().invoke(args=["qisu", "generate-history", "--cases", "600",
                                                "--days", "60", "--seed", "3"])
    assert result.exit_code == 0, result.output

    leader = person("leader1")
    leader.page.goto("/insight")
    leader.page.wait_for_function(
        "() => window.qisuInsightCharts && Object.keys(window.qisuInsightCharts).length === 4")
    for chart in ("chart-trend", "chart-hot-consult", "chart-hot-complaint", "chart-towns"):
        assert leader.page.locator(f"#{chart} canvas").count() >= 1, chart
    series = leader.page.evaluate(
        "window.qisuInsightCharts['chart-trend'].getOption().series[0].data.length")
    assert series >= 20  # a point a day over the last 30 days
    assert leader.page.locator("#unit-ranking tbody tr").count() >= 5
    # the common-problem section degrades to its empty state while that route is missing
    assert leader.page.locator("#common-problems").inner_text().strip() != ""
    leader.shot("insight-dashboard")

    leader.page.select_option("select[name=kind]", "投诉")
    leader.page.click("#insight-filters button[type=submit]")
    leader.page.wait_for_url("**/insight?*kind=*")
    leader.page.wait_for_function("window.qisuInsightCharts && window.qisuInsightCharts['chart-towns']")
    # only complaints now: the consultation chart says so instead of drawing empty axes
    assert leader.page.locator('[data-empty="chart-hot-consult"]').inner_text() == "暂无数据"
    assert leader.page.locator("#chart-hot-consult").count() == 0

    with leader.page.expect_download() as download_info:
        leader.page.click('a[data-export="units-xlsx"]')
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    assert sheet["B1"].value == "承办单位" and sheet.max_row >= 2
    leader.shot("insight-complaints")


def test_chart_units_layout_and_english_domains(person, app):
    result = app.test_cli_runner().invoke(args=["qisu", "generate-history", "--cases", "300",
                                                "--days", "30", "--seed", "5"])
    assert result.exit_code == 0, result.output
    leader = person("leader1")
    leader.page.goto("/insight")
    leader.page.wait_for_function(
        "() => window.qisuInsightCharts && Object.keys(window.qisuInsightCharts).length === 4")
    option = "(id) => window.qisuInsightCharts[id].getOption()"
    trend = leader.page.evaluate(f"({option})('chart-trend').series.map("
                                 "(s, i) => s.tooltip.valueFormatter(i < 2 ? 12 : 92.857))")
    assert trend == ["12 件", "12 件", "92.9%", "92.9%"]
    hot = leader.page.evaluate(f"({option})('chart-hot-complaint')")
    assert hot["xAxis"][0]["name"] == "诉求量（件）"
    towns = leader.page.evaluate(f"({option})('chart-towns')")
    # the colour scale is above the grid, away from the rotated domain names below it
    assert towns["visualMap"][0]["top"] == 0 and towns["grid"][0]["top"] >= 50
    assert "诉求量（件）" in towns["visualMap"][0]["text"]
    leader.shot("insight-chart-units")

    # weeks cut by the period (from a Wednesday to a Monday) are labelled by their days in it
    leader.page.goto("/insight?from=2026-11-04&to=2026-11-23&granularity=week")
    leader.page.wait_for_function("window.qisuInsightCharts && window.qisuInsightCharts['chart-trend']")
    weeks = leader.page.evaluate(f"({option})('chart-trend').xAxis[0].data")
    assert weeks == ["11-04–11-08", "2026-11-09", "2026-11-16", "11-23"]
    head = leader.page.evaluate(f"({option})('chart-trend').tooltip[0].formatter("
                                "[{dataIndex: 0, marker: '', seriesName: '诉求量', seriesIndex: 0, value: 3}])")
    assert head == "11-04–11-08（不完整，仅 5 天）<br>诉求量：3 件"

    leader.page.goto("/lang/en")
    leader.page.goto("/insight")
    leader.page.wait_for_function("window.qisuInsightCharts && window.qisuInsightCharts['chart-towns']")
    domains = leader.page.evaluate(f"({option})('chart-towns').xAxis[0].data")
    assert "Market regulation" in domains and "市场监管" not in domains
    labels = leader.page.evaluate(f"({option})('chart-hot-complaint').yAxis[0].data")
    assert labels and not any("\u4e00" <= ch <= "\u9fff" for label in labels for ch in label)
    unit = leader.page.evaluate(f"({option})('chart-trend').series[0].tooltip.valueFormatter(3)")
    assert unit == "3 cases"
    assert leader.page.locator("select[name=domain] option[value='市场监管']").inner_text() == \
        "Market regulation"
    leader.shot("insight-english")


def test_acknowledging_a_surge_updates_the_heading_count(person, rt, app):
    from tests.api.test_insight_signals import surge
    from tests.signals_support import clear_alerts
    surge(rt, app)
    app.test_cli_runner().invoke(args=["qisu", "insight", "surges"])
    try:
        supervisor = person("supervisor1")
        supervisor.page.goto("/insight/signals")
        count = supervisor.page.locator("#surge-open-count")
        assert count.inner_text() == "1"
        supervisor.page.click("table.surges button[type=submit]")
        supervisor.page.wait_for_selector("table.surges td:has-text('已确认')")
        supervisor.page.wait_for_function(
            "document.getElementById('surge-open-count').textContent.trim() === '0'")
        assert supervisor.page.locator("#surge-open-count").count() == 1
        assert "/insight/signals" in supervisor.page.url  # stayed on the page (htmx)
        supervisor.shot("signals-acknowledged")
    finally:
        clear_alerts(rt)


def test_common_problem_case_numbers_and_times_stay_on_one_line(person, app):
    result = app.test_cli_runner().invoke(args=["qisu", "generate-history", "--cases", "600",
                                                "--days", "30", "--seed", "7"])
    assert result.exit_code == 0, result.output
    analyst = person("analyst1")
    analyst.page.set_viewport_size({"width": 1280, "height": 900})
    analyst.page.goto("/insight/common-problems")
    analyst.page.locator("table.problems details summary").first.click()
    one_line = analyst.page.evaluate("""() => [...document.querySelectorAll(
        'table.problems details[open] .nowrap')].map((e) => e.getClientRects().length)""")
    assert one_line and set(one_line) == {1}  # one box each: nothing broke inside
    width = analyst.page.evaluate(
        "document.querySelector('table.problems td.demand').getBoundingClientRect().width")
    assert width >= 300
    analyst.shot("common-problems-layout")


def test_unit_filter_tiles_and_ranking_agree_and_today_is_marked(person, api, rt):
    """P18, issue 16: filtered to one unit, the 退单数 and 诉求量 tiles are that unit's ranking row
    (the only row), and today's trend point, not over yet, is marked by a dashed line labelled 今日未完."""
    from tests.insight_support import returned_cases
    returned_cases(api, rt)  # cgj returned a case on 11-23, scjgj one on 11-24 (today)
    leader = person("leader1")
    leader.page.goto("/insight")
    leader.page.select_option("select[name=unit]", "cgj")
    leader.page.select_option("select[name=granularity]", "day")
    leader.page.click("#insight-filters button[type=submit]")
    leader.page.wait_for_url("**/insight?*unit=cgj*")
    leader.page.wait_for_function("window.qisuInsightCharts && window.qisuInsightCharts['chart-trend']")
    tile = lambda key: leader.page.locator(f'.kpi[data-figure="{key}"] .kpi-value').inner_text()
    rows = leader.page.locator("#unit-ranking tbody tr")
    assert rows.count() == 1
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[0] == "市城市管理和综合执法局"
    assert (cells[1], cells[7], cells[8]) == (tile("volume"), tile("returns"), tile("extensions"))
    assert (tile("volume"), tile("returns")) == ("2", "1")
    assert "退单数为该单位退回" in leader.page.locator("#ranking-note").inner_text()

    note = leader.page.locator("#trend-partial").inner_text()
    assert note.endswith("2026-11-24（今日未完）"), note
    option = "window.qisuInsightCharts['chart-trend'].getOption()"
    marked = leader.page.evaluate(f"{option}.series[0].markLine.data.map((d) => [d.name, d.xAxis])")
    assert marked == [["今日未完", "2026-11-24"]]
    last = leader.page.evaluate(f"{option}.series[0].data.at(-1)")
    assert last["symbol"] == "emptyCircle" and last["value"] == 2
    head = leader.page.evaluate(f"{option}.tooltip[0].formatter([{{dataIndex: "
                                f"{option}.xAxis[0].data.length - 1, marker: '', seriesName: '诉求量', "
                                "seriesIndex: 0, value: 2}])")
    assert head == "2026-11-24（今日未完）<br>诉求量：2 件"
    leader.shot("insight-unit-filter")

    leader.page.select_option("select[name=unit]", "scjgj")
    leader.page.click("#insight-filters button[type=submit]")
    leader.page.wait_for_url("**/insight?*unit=scjgj*")
    rows = leader.page.locator("#unit-ranking tbody tr")
    assert rows.count() == 1
    cells = rows.first.locator("td").all_inner_texts()
    assert (cells[0], cells[1], cells[7]) == ("市市场监督管理局", tile("volume"), tile("returns"))
    assert (tile("volume"), tile("returns")) == ("1", "1")
