"""P18 pages: common problems for the analysis meeting, the dashboard fragment, surge alerts."""
from __future__ import annotations

import pytest

from app.services.insight.common_problems import clear_cache
from tests.api.test_insight_signals import seed_problems, surge
from tests.signals_support import clear_alerts
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
    assert "起始日期不能晚于结束日期" in page.get_data(as_text=True)


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
    alert_id = int(html.split('id="surge-')[1].split('"')[0])
    row = supervisor.post(f"/insight/surges/{alert_id}/acknowledge",
                          headers={"HX-Request": "true", "X-CSRFToken": supervisor.csrf})
    assert row.status_code == 200 and "已确认" in row.get_data(as_text=True)
    assert leader.post(f"/insight/surges/{alert_id}/acknowledge",
                       data={"csrf_token": leader.csrf}).status_code == 403
    signals = supervisor.get("/insight/signals").get_data(as_text=True)
    assert "近期确认的预警" in signals and "督办员梁芳" in signals
    assert "暂无激增预警" in supervisor.get("/supervision").get_data(as_text=True)
