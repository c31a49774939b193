"""P18 API: common problems (grouping, filters, export, errors) and surge alerts (roles, ack)."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from app.db.models import Case, OutboxMessage
from app.services.signals.common_problems import clear_cache
from tests.conftest import START
from tests.signals_support import (APPOINTMENT_COMPLAINTS, BACKGROUND, clear_alerts, insert_cases,
                                   spread)

XLZ_ENTERPRISES = ("榄兴五金", "凯明灯饰", "榄城家具", "美家电器", "金穗服装")
OTHERS = ("好来化工", "华信电子", "恒达纺织", "健和医疗", "古劳鸿运", "顺昌包装", "智联精密",
          "新锐物流", "宏远建筑", "联创生物")


@pytest.fixture(autouse=True)
def _signals(rt):
    clear_cache()
    yield
    clear_alerts(rt)
    clear_cache()


def seed_problems(rt, app):
    rows = [{"enterprise": ent, "description": text, "town": "小榄镇", "domain": "商贸旅游",
             "unit": "xlz", "created_at": START - timedelta(days=2, hours=i)}
            for i, (ent, text) in enumerate(zip(XLZ_ENTERPRISES, APPOINTMENT_COMPLAINTS))]
    rows += [{"enterprise": ent, "description": text, "town": "板芙镇", "domain": "城乡建设",
              "unit": "xlz" if i % 2 else "bfz", "created_at": START - timedelta(days=3, hours=i)}
             for i, (ent, text) in enumerate(zip(OTHERS, BACKGROUND))]
    return insert_cases(rt, app, rows)


def test_appointment_complaints_form_one_group(rt, app, api):
    seed_problems(rt, app)
    response = api.as_("analyst1").get("/api/insight/common-problems")
    assert response.status == 200, response
    body = response.json
    assert body["matched"] == 15 and body["analysed"] == 15 and body["capped"] is False
    top = body["groups"][0]
    assert top["count"] == 5 and top["enterprise_count"] == 5
    assert top["towns"] == ["小榄镇"] and top["units"] == ["小榄镇"]
    assert "预约" in "".join(top["keywords"])
    # keywords are words (jieba), not character-bigram fragments
    assert any(w in top["keywords"] for w in ("预约", "行政服务中心", "小榄镇")), top["keywords"]
    assert all(len(w) >= 2 and not any(ch.isdigit() for ch in w) for w in top["keywords"])
    assert all("预约" in c for c in [top["text"]])
    assert len(top["cases"]) == 5 and all(c["number"].startswith("QS") for c in top["cases"])
    assert all(g["count"] < 5 for g in body["groups"][1:])


def test_filters_and_cap(rt, app, api):
    seed_problems(rt, app)
    user = api.as_("leader1")
    assert user.get("/api/insight/common-problems", town="板芙镇").json["matched"] == 10
    assert user.get("/api/insight/common-problems", unit="xlz").json["groups"][0]["count"] == 5
    assert user.get("/api/insight/common-problems", domain="城乡建设", kind="咨询").json["matched"] == 0
    before = (START - timedelta(days=10)).date().isoformat()
    assert user.get("/api/insight/common-problems", end=before).json["matched"] == 0
    previous = rt.settings["common_problems"]
    rt.settings["common_problems"] = {**previous, "max_texts": 6}
    try:
        body = user.get("/api/insight/common-problems").json
    finally:
        rt.settings["common_problems"] = previous
    assert body["capped"] is True and body["analysed"] == 6 and body["matched"] == 15
    assert body["note"] == "本期共 15 件诉求，仅分析了最近的 6 件（上限 6 件）。"


def test_export_csv_and_xlsx(rt, app, api):
    seed_problems(rt, app)
    user = api.as_("supervisor1")
    raw = api.client.get("/api/insight/common-problems?format=csv", headers=user.headers)
    assert raw.status_code == 200 and raw.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(raw.get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "诉求件数", "企业数"]
    assert rows[1][1] == "5" and "小榄镇" in rows[1][6]
    raw = api.client.get("/api/insight/common-problems?format=xlsx", headers=user.headers)
    book = load_workbook(io.BytesIO(raw.get_data()))
    values = list(book.active.iter_rows(values_only=True))
    assert values[0][1] == "诉求件数" and values[1][1] == 5


def test_export_times_are_readable_local_times_and_the_api_keeps_iso(rt, app, api):
    seed_problems(rt, app)  # the 5 小榄镇 cases: START - 2 days - 0..4 hours (UTC)
    user = api.as_("supervisor1")
    first = api.client.get("/api/insight/common-problems?format=csv", headers=user.headers)
    rows = list(csv.DictReader(io.StringIO(first.get_data().decode("utf-8-sig"))))
    assert (rows[0]["最早受理"], rows[0]["最近受理"]) == ("2026-11-21 06:00", "2026-11-21 10:00")
    raw = api.client.get("/api/insight/common-problems?format=xlsx", headers=user.headers)
    sheet = load_workbook(io.BytesIO(raw.get_data())).active
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("最早受理") + 1)
    assert cell.is_date and cell.value == datetime(2026, 11, 21, 6, 0)
    body = user.get("/api/insight/common-problems").json
    assert body["groups"][0]["first_at"] == "2026-11-21T06:00:00+08:00"
    assert body["groups"][0]["cases"][0]["created_at"] == "2026-11-21T06:00:00+08:00"


@pytest.mark.parametrize("params, field", [
    ({"start": "2026-13-01"}, "start"), ({"start": "2026-11-20", "end": "2026-11-01"}, "start"),
    ({"start": "2025-01-01", "end": "2026-11-01"}, "start"), ({"domain": "星际旅行"}, "domain"),
    ({"unit": "nosuch"}, "unit"), ({"format": "pdf"}, "format"), ({"limit": "0"}, "limit"),
    ({"kind": "闲聊"}, "kind"),
])
def test_bad_parameters_are_422_field_by_field(api, params, field):
    response = api.as_("analyst1").get("/api/insight/common-problems", **params)
    assert response.status == 422, response
    assert response.json["error"]["code"] == "validation_failed"
    assert response.json["error"]["fields"].get(field), response.json


@pytest.mark.parametrize("user, status", [("agent1", 403), ("spec_cgj", 403), ("ent1", 403),
                                          ("dispatcher1", 403), ("analyst1", 200), ("admin1", 200)])
def test_who_may_read(api, user, status):
    assert api.as_(user).get("/api/insight/common-problems").status == status
    assert api.as_(user).get("/api/insight/surges").status == status


def test_anonymous_is_401(api):
    response = api.anonymous().get("/api/insight/surges")
    assert response.status == 401 and response.json["error"]["code"] == "unauthorized"


def surge(rt, app):
    """A quiet baseline (1 case every 4 days) and 9 cases in the last 3 days in (商贸旅游, 小榄镇)."""
    base = START - timedelta(days=31)
    rows = [{"enterprise": "榄兴五金", "town": "小榄镇", "domain": "商贸旅游",
             "created_at": base + timedelta(days=4 * i)} for i in range(7)]
    rows += spread(START - timedelta(days=3), 3, 3, enterprise="凯明灯饰", town="小榄镇",
                   domain="商贸旅游", description=APPOINTMENT_COMPLAINTS[0])
    insert_cases(rt, app, rows)


def test_cli_detects_lists_and_acknowledges(rt, app, api):
    surge(rt, app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["qisu", "insight", "surges", "--list"])
    assert result.exit_code == 0 and "new surge alerts: 1" in result.output, result.output
    assert "小榄镇 · 商贸旅游" in result.output
    assert "new surge alerts: 0" in runner.invoke(args=["qisu", "insight", "surges"]).output
    alerts = api.as_("leader1").get("/api/insight/surges").json
    assert [a["label"] for a in alerts] == ["小榄镇 · 商贸旅游"]
    alert = alerts[0]
    assert alert["observed"] == 9 and alert["expected"] == pytest.approx(1.0)
    assert alert["p_value"] < 0.001 and alert["acknowledged"] is False
    assert api.as_("leader1").post(f"/api/insight/surges/{alert['id']}/acknowledge").status == 403
    done = api.as_("supervisor1").post(f"/api/insight/surges/{alert['id']}/acknowledge")
    assert done.status == 200 and done.json["acknowledged_by"] == "督办员梁芳"
    again = api.as_("admin1").post(f"/api/insight/surges/{alert['id']}/acknowledge")
    assert again.json["acknowledged_by"] == "督办员梁芳"
    assert api.as_("leader1").get("/api/insight/surges").json == []
    assert len(api.as_("leader1").get("/api/insight/surges", status="acknowledged").json) == 1
    assert api.as_("leader1").get("/api/insight/surges", status="maybe").status == 422
    missing = api.as_("supervisor1").post("/api/insight/surges/999999/acknowledge")
    assert missing.status == 404 and missing.json["error"]["code"] == "not_found"
    assert api.as_("supervisor1").post("/api/insight/surges/abc/acknowledge").status == 404


def test_cli_common_problems(rt, app):
    seed_problems(rt, app)
    result = app.test_cli_runner().invoke(args=["qisu", "insight", "common-problems", "--days", "7"])
    assert result.exit_code == 0, result.output
    assert "5 件 / 5 家企业" in result.output and "分析了本期全部 15 件诉求" in result.output


def test_openapi_lists_the_endpoints(api):
    paths = api.client.get("/api/openapi.json").get_json()["paths"]
    assert {"/api/insight/common-problems", "/api/insight/surges",
            "/api/insight/surges/{alert_id}/acknowledge"} <= set(paths)


def test_channel_and_red_list_filters(rt, app, api):
    ids = seed_problems(rt, app)
    with rt.uow() as uow:  # the 5 小榄镇 complaints came in on the web, from red-list enterprises
        uow.session.execute(update(Case).where(Case.id.in_(ids[:5]))
                            .values(channel="web", red_list=True))
        uow.commit()
    user = api.as_("leader1")
    web = user.get("/api/insight/common-problems", channel="web").json
    assert web["matched"] == 5 and web["groups"][0]["count"] == 5
    assert web["filters"] == {"channel": "web"}
    assert user.get("/api/insight/common-problems", channel="phone").json["matched"] == 10
    red = user.get("/api/insight/common-problems", red_list="true").json
    assert red["matched"] == 5 and red["filters"] == {"red_list": True}
    assert user.get("/api/insight/common-problems", red_list="false").json["matched"] == 10
    for params in ({"channel": "fax"}, {"red_list": "maybe"}):
        response = user.get("/api/insight/common-problems", **params)
        assert response.status == 422 and set(response.json["error"]["fields"]) == set(params)


def test_group_titles_end_at_a_clause_or_show_the_cut(rt, app, api):
    long = "我司新招员工{n}名，社保参保登记一直显示审核中，影响员工入职，请协助。"
    short = "企业为员工办理医保参保后，员工在药店无法使用医保个人账户。{n}"
    rows = [{"enterprise": ent, "description": text.format(n=10 + i), "town": "小榄镇",
             "created_at": START - timedelta(days=1, hours=i)}
            for text in (long, short) for i, ent in enumerate(XLZ_ENTERPRISES[:3])]
    insert_cases(rt, app, rows)
    titles = {g["title"] for g in api.as_("analyst1").get("/api/insight/common-problems").json["groups"]}
    # a sentence over 30 characters is cut after its last whole clause, and "…" says so
    assert any(re.fullmatch(r"我司新招员工1\d名，社保参保登记一直显示审核中，影响员工入职…", t) for t in titles), titles
    # a sentence that fits is the title, whole
    assert "企业为员工办理医保参保后，员工在药店无法使用医保个人账户" in titles, titles
