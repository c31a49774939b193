"""P18 insight API: figures on a small known dataset, filters, exports, access, bad parameters."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from app.demo.data import ENTERPRISES
from tests.support import CONTACT

DAY = {"from": "2026-11-23", "to": "2026-11-23"}
RED = 0        # ENTERPRISES[0] is on the red list
PLAIN = 1      # ENTERPRISES[1] is not


def handle(api, rt, number, hours_before_contact=0.5, unit="cgj", specialist="spec_cgj"):
    assert api.dispatch(number, unit).status == 200
    user = api.as_(specialist)
    assert user.complete(number, "sign", {}).status == 200
    rt.clock.advance(hours=hours_before_contact)
    assert user.complete(number, "contact", CONTACT | {"contacted_at": api.now_beijing()}).status == 200
    assert user.complete(number, "propose", {"solution": "协调处理"}).status == 200
    rt.clock.advance(hours=1)
    assert user.complete(number, "reply", {"result": "解决", "reply_text": "已解决"}).status == 200


@pytest.fixture
def dataset(api, rt):
    """Four demands on 2026-11-23: a direct reply, two rated complaints (满意, 基本满意; the second
    contacted after the 60-minute response deadline), one open complaint of a red-list enterprise."""
    direct = api.as_("agent1").post("/api/cases", json={
        "kind": "咨询", "description": "咨询社保缴费基数", "domain": "劳动和社会保障",
        "credit_code": ENTERPRISES[PLAIN]["credit_code"], "direct_reply": "按知识库答复"}).json
    first = api.submit(PLAIN)["number"]
    handle(api, rt, first)
    assert api.rate(first, "满意").status == 200
    second = api.submit(PLAIN)["number"]
    handle(api, rt, second, hours_before_contact=2)
    assert api.rate(second, "基本满意").status == 200
    red = api.submit(RED, domain="市场监管")["number"]
    assert api.dispatch(red, "scjgj").status == 200
    return {"direct": direct["number"], "first": first, "second": second, "red": red}


def test_figures_follow_the_definitions(api, dataset):
    body = api.as_("leader1").get("/api/insight/metrics", **DAY).json
    assert body["volume"] == 4 and body["dispatched"] == 3
    assert body["direct_replies"] == 1 and body["direct_reply_rate"] == 0.25
    assert body["consultations"] == 1 and body["direct_reply_rate_consultations"] == 1.0
    # response: first met, second contacted late (violated), red still running → 1 of 2
    assert body["response_finished"] == 2 and body["response_on_time_rate"] == 0.5
    assert body["resolution_finished"] == 2 and body["resolution_on_time_rate"] == 1.0
    # ratings: 满意 and 基本满意 → strict 1/2, basic 2/2
    assert body["rated"] == 2 and body["satisfaction_rate"] == 0.5
    assert body["satisfaction_rate_basic"] == 1.0
    assert body["closed"] == 3 and body["handled"] == 3
    red = body["red_list"]
    assert red["volume"] == 1 and red["dispatched"] == 1 and red["rated"] == 0
    assert red["satisfaction_rate"] is None and red["p90_handling_seconds"] is None


def test_handling_time_average_and_p90(api, rt, dataset):
    body = api.as_("analyst1").get("/api/insight/metrics", **DAY).json
    # direct reply: 0 s; first: 1.5 h; second: 1.5 h + 0.5 h earlier + 2 h + 1 h = 3 h after intake
    times = sorted(body_time for body_time in (0, 5400, 10800))
    assert body["p90_handling_seconds"] == times[2]
    assert body["avg_handling_seconds"] == round(sum(times) / 3)


def test_filters_narrow_every_figure(api, dataset):
    leader = api.as_("leader1")
    assert leader.get("/api/insight/metrics", unit="scjgj", **DAY).json["volume"] == 1
    assert leader.get("/api/insight/metrics", kind="咨询").json["volume"] == 1
    assert leader.get("/api/insight/metrics", channel="phone").json["volume"] == 4
    assert leader.get("/api/insight/metrics", channel="web").json["volume"] == 0
    assert leader.get("/api/insight/metrics", domain="市场监管").json["volume"] == 1
    assert leader.get("/api/insight/metrics", red_list="false").json["volume"] == 3
    assert leader.get("/api/insight/metrics", red_list="false").json["red_list"] is None
    town = ENTERPRISES[RED]["town"]
    assert leader.get("/api/insight/metrics", town=town).json["volume"] >= 1
    assert leader.get("/api/insight/metrics", **{"from": "2026-11-24"}).json["volume"] == 0


def test_unit_ranking_trend_and_towns(api, dataset):
    leader = api.as_("leader1")
    units = {u["unit_code"]: u for u in leader.get("/api/insight/units", **DAY).json["items"]}
    assert set(units) == {"cgj", "scjgj"}
    assert units["cgj"]["volume"] == 2 and units["cgj"]["satisfaction_rate"] == 0.5
    assert units["cgj"]["response_on_time_rate"] == 0.5 and units["scjgj"]["rated"] == 0
    trend = leader.get("/api/insight/trend", granularity="day", **DAY).json
    assert trend["granularity"] == "day"
    assert [(s["period"], s["volume"]) for s in trend["series"]] == [("2026-11-23", 4)]
    week = leader.get("/api/insight/trend", granularity="month").json["series"]
    assert week == [dict(week[0], period="2026-11-01")]
    towns = leader.get("/api/insight/towns", **DAY).json
    assert sum(t["volume"] for t in towns["towns"]) == 4
    assert sum(c["complaints"] for c in towns["cells"]) == 3


def test_hotspots_compare_with_the_previous_period(api, rt):
    for _ in range(2):
        api.submit(PLAIN, domain="城市管理")
    rt.clock.advance(days=7)
    for _ in range(3):
        api.submit(PLAIN, domain="城市管理")
    api.submit(PLAIN, domain="环境保护")
    body = api.as_("supervisor1").get("/api/insight/hotspots", **{"from": "2026-11-30",
                                                                 "to": "2026-12-06"}).json
    assert body["previous"] == {"from": "2026-11-23", "to": "2026-11-29"}
    complaints = body["kinds"]["投诉"]
    assert complaints[0] == {"kind": "投诉", "domain": "城市管理", "count": 3, "share": 0.75,
                             "previous": 2, "change": 1, "change_rate": 0.5}
    assert complaints[1]["domain"] == "环境保护" and complaints[1]["change_rate"] is None
    assert body["kinds"]["咨询"] == []


def test_tables_export_as_csv_and_xlsx(api, dataset):
    leader = api.as_("leader1")
    for table in ("metrics", "trend", "units", "hotspots", "towns"):
        raw = leader._client.get(f"/api/insight/{table}", query_string={**DAY, "format": "csv"},
                                 headers=leader.headers)
        assert raw.status_code == 200 and raw.mimetype == "text/csv"
        assert "attachment" in raw.headers["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(raw.data.decode("utf-8-sig"))))
        assert len(rows) >= 2, table
        raw = leader._client.get(f"/api/insight/{table}", query_string={**DAY, "format": "xlsx"},
                                 headers=leader.headers)
        assert raw.status_code == 200
        sheet = load_workbook(io.BytesIO(raw.data)).active
        assert [c.value for c in sheet[1]] == rows[0], table
    raw = leader._client.get("/api/insight/units", query_string={**DAY, "format": "csv"},
                             headers=leader.headers)
    table = list(csv.DictReader(io.StringIO(raw.data.decode("utf-8-sig"))))
    cgj = next(r for r in table if r["单位编码"] == "cgj")
    assert cgj["诉求量"] == "2" and cgj["满意率（%）"] == "50.0"


@pytest.mark.parametrize("user,status", [("agent1", 403), ("unit", 403), ("ent1", 403),
                                         ("leader1", 200), ("supervisor1", 200),
                                         ("analyst1", 200), ("admin1", 200)])
def test_only_leadership_roles_see_insight(api, user, status):
    user = "spec_cgj" if user == "unit" else user
    assert api.as_(user).get("/api/insight/metrics").status == status
    assert api.anonymous().get("/api/insight/units").status == 401


@pytest.mark.parametrize("params,field", [
    ({"from": "2026-02-30"}, "from"), ({"to": "yesterday"}, "to"),
    ({"from": "2026-11-05", "to": "2026-11-01"}, "to"), ({"kind": "抱怨"}, "kind"),
    ({"channel": "fax"}, "channel"), ({"domain": "天气"}, "domain"), ({"unit": "nope"}, "unit"),
    ({"red_list": "maybe"}, "red_list"), ({"format": "pdf"}, "format"),
])
def test_bad_parameters_are_422_field_by_field(api, params, field):
    response = api.as_("leader1").get("/api/insight/metrics", **params)
    assert response.status == 422
    assert response.json["error"]["code"] == "validation_failed"
    assert field in response.json["error"]["fields"]


def test_endpoint_specific_parameters_are_checked(api):
    leader = api.as_("leader1")
    assert "granularity" in leader.get("/api/insight/trend", granularity="year").json["error"]["fields"]
    assert "top" in leader.get("/api/insight/hotspots", top=0).json["error"]["fields"]
    assert "sort" in leader.get("/api/insight/units", sort="name").json["error"]["fields"]


def test_export_headers_write_percent_alike(api, dataset):
    leader = api.as_("leader1")
    headers = {}
    for table in ("hotspots", "units", "trend"):
        raw = leader._client.get(f"/api/insight/{table}", query_string={**DAY, "format": "csv"},
                                 headers=leader.headers)
        headers[table] = next(csv.reader(io.StringIO(raw.data.decode("utf-8-sig"))))
    assert "占比（%）" in headers["hotspots"] and "环比（%）" in headers["hotspots"]
    assert "满意率（%）" in headers["units"] and "直接答复率（%）" in headers["trend"]
    assert not any("(%)" in h for table in headers.values() for h in table)
