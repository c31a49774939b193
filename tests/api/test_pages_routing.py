"""P4 page 分拨模型 and the models API's live figures: versions with cross-validated and live
figures; an administrator activates a version from the page."""
from __future__ import annotations

import re

import pytest

from tests.routing_data import write_csv
from tests.support import logged_in

CLEAR = "我司工厂废气排放超标的问题，请环保部门尽快处理"   # 环境保护, confidently


@pytest.fixture
def versions(app, tmp_path):
    cli = app.test_cli_runner()
    path = str(write_csv(tmp_path / "orders.csv"))
    first = cli.invoke(args=["qisu", "routing", "train", "--csv", path, "--activate"])
    second = cli.invoke(args=["qisu", "routing", "train", "--csv", path])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    return [int(re.search(r"model version (\d+)", r.output).group(1)) for r in (first, second)]


def _row(html: str, version: int) -> str:
    return re.search(rf"<tr[^>]*>\s*<td>v{version}<br>(.*?)</tr>", html, re.S).group(1)


def test_live_figures_count_suggestions_agreement_and_kept_auto_dispatches(versions, api, app):
    active = versions[0]
    auto = api.submit(description=CLEAR, domain=None, town="小榄镇")
    assert auto["routing"]["auto_dispatched"]
    corrected = api.submit(description=CLEAR, domain="交通运输", town="小榄镇")  # agent disagrees
    assert corrected["status"] == "dispatching"
    assert api.dispatch(corrected["number"], "cgj").status == 200
    models = api.as_("admin1").get("/api/routing/models").json
    usage = {m["version"]: m["usage"] for m in models}
    assert usage[active] == {"suggested": 2, "dispatched": 2, "agreed": 1, "agreement": 0.5, "auto": 1,
                             "auto_share": 0.5, "auto_kept": 1, "auto_kept_rate": 1.0}
    assert usage[versions[1]]["suggested"] == 0 and usage[versions[1]]["agreement"] is None
    assert {m["created_at"] for m in models} == {"2026-11-23T10:00:00+08:00"}
    html = logged_in(app, "analyst1").get("/routing/models").get_data(as_text=True)
    row = _row(html, active)
    assert "50.0%" in row and "1 / 2" in row and "100.0%" in row and "启用中" in row
    assert "/activate" not in html  # analysts read; only administrators activate


def test_an_administrator_activates_a_version_from_the_page(versions, app, api):
    client = logged_in(app, "admin1")
    page = client.get("/routing/models").get_data(as_text=True)
    assert 'href="/routing/models"' in page and "分拨模型" in page
    assert "2026-11-23 10:00" in _row(page, versions[0])  # trained at START, shown in Beijing time
    row = _row(page, versions[0])
    assert "三模型集成" in row and "CSV 文件 orders.csv" in row and "命令行" in row and "调整阈值" in row
    assert "csv:" not in row and "重新启用" not in row
    response = client.post(f"/routing/models/{versions[1]}/activate",
                           data={"csrf_token": client.csrf, "threshold": "0.9"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f"已启用分拨模型版本 {versions[1]}" in html and "0.900" in html
    actives = {m["version"]: m["active"] for m in api.as_("admin1").get("/api/routing/models").json}
    assert actives == {versions[0]: False, versions[1]: True}


def test_a_bad_threshold_is_refused_and_nothing_changes(versions, app, api):
    client = logged_in(app, "admin1")
    for bad in ("2", "abc", "0"):
        html = client.post(f"/routing/models/{versions[1]}/activate",
                           data={"csrf_token": client.csrf, "threshold": bad},
                           follow_redirects=True).get_data(as_text=True)
        assert "阈值须在 (0, 1] 之间" in html, bad
    missing = client.post("/routing/models/424242/activate", data={"csrf_token": client.csrf},
                          follow_redirects=True).get_data(as_text=True)
    assert "分拨模型版本 424242 不存在" in missing
    actives = {m["version"]: m["active"] for m in api.as_("admin1").get("/api/routing/models").json}
    assert actives == {versions[0]: True, versions[1]: False}


def test_the_page_is_for_administrators_and_analysts(app):
    assert logged_in(app, "dispatcher1").get("/routing/models").status_code == 403
    client = logged_in(app, "analyst1")
    assert "尚无分拨模型" in client.get("/routing/models").get_data(as_text=True)
    assert client.post("/routing/models/1/activate", data={"csrf_token": client.csrf}).status_code == 403
