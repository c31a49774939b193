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
    consult_bars = leader.page.evaluate(
        "window.qisuInsightCharts['chart-hot-consult'].getOption().series[0].data.length")
    assert consult_bars == 0  # only complaints now

    with leader.page.expect_download() as download_info:
        leader.page.click('a[data-export="units-xlsx"]')
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    assert sheet["B1"].value == "承办单位" and sheet.max_row >= 2
    leader.shot("insight-complaints")
