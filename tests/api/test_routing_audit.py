"""P4 sample audit of automatic dispatches (分拨抽检): supervisors draw a version's automatically
dispatched cases at random and judge their domain; the judged ones give the audited precision
with its 95% Wilson interval; a verdict is final, goes into the case's trail and is its training
label."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.db.models import RoutingAudit
from app.demo.data import USERS
from tests.routing_data import write_csv
from tests.support import logged_in, page_figures

CLEAR = "我司工厂废气排放超标的问题，请环保部门尽快处理"   # 环境保护, confidently


@pytest.fixture
def version(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["qisu", "routing", "train", "--csv",
                                                str(write_csv(tmp_path / "orders.csv")), "--activate"])
    assert result.exit_code == 0, result.output
    return int(re.search(r"model version (\d+)", result.output).group(1))


@pytest.fixture
def auto_cases(version, api):
    numbers = []
    for _ in range(3):
        case = api.submit(description=CLEAR, domain=None, town="小榄镇")
        assert case["routing"]["auto_dispatched"], case
        numbers.append(case["number"])
    manual = api.submit(description=CLEAR, domain="交通运输", town="小榄镇")  # the dispatcher decides
    assert not manual["routing"]["auto_dispatched"]
    return numbers


def _audits(rt) -> int:
    with rt.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(RoutingAudit))


def test_a_supervisor_draws_the_auto_dispatches_judges_them_and_gets_the_audited_precision(
        version, auto_cases, api):
    supervisor = api.as_("supervisor1")
    drawn = supervisor.post(f"/api/routing/models/{version}/audits", json={"size": 10})
    assert drawn.status == 201 and drawn.json["drawn"] == 3      # only the automatic dispatches
    assert drawn.json["summary"] | {} == {"auto": 3, "sampled": 3, "judged": 0, "pending": 3, "correct": 0,
                                          "wrong": 0, "precision": None, "ci_low": None, "ci_high": None}
    again = supervisor.post(f"/api/routing/models/{version}/audits", json={"size": 10})
    assert again.status == 201 and again.json["drawn"] == 0      # each case is drawn once

    sample = supervisor.get(f"/api/routing/models/{version}/audits").json
    assert sorted(a["case_number"] for a in sample["audits"]) == sorted(auto_cases)
    assert {a["auto_domain"] for a in sample["audits"]} == {"环境保护"}
    assert all(a["verdict"] is None and a["drawn_by"] == "supervisor1" for a in sample["audits"])
    first, second, _ = sample["audits"]
    right = supervisor.post(f"/api/routing/audits/{first['id']}", json={"verdict": "correct"})
    assert right.status == 200 and right.json["audited_domain"] == "环境保护"
    wrong = supervisor.post(f"/api/routing/audits/{second['id']}",
                            json={"verdict": "wrong", "domain": "城乡建设", "note": "实为施工扬尘"})
    assert wrong.status == 200, wrong
    assert (wrong.json["verdict"], wrong.json["audited_domain"], wrong.json["judged_by"]) == (
        "wrong", "城乡建设", "supervisor1")
    listed = supervisor.get(f"/api/routing/models/{version}/audits").json["audits"]
    name = next(u["display_name"] for u in USERS if u["username"] == "supervisor1")
    assert {a["judged_by_name"] for a in listed if a["verdict"]} == {name} == {wrong.json["judged_by_name"]}
    assert wrong.json["judged_at"] == "2026-11-23T10:00:00+08:00"

    summary = supervisor.get(f"/api/routing/models/{version}/audits").json["summary"]
    assert (summary["judged"], summary["correct"], summary["wrong"], summary["pending"]) == (2, 1, 1, 1)
    assert summary["precision"] == 0.5
    assert (summary["ci_low"], summary["ci_high"]) == (0.0945, 0.9055)   # Wilson, 1 of 2
    models = {m["version"]: m for m in api.as_("analyst1").get("/api/routing/models").json}
    assert models[version]["audit"] == summary

    history = supervisor.get(f"/api/cases/{second['case_number']}/history").json["events"]
    event = next(e for e in history if e["action"] == "routing_audit")
    assert event["after"] == {"verdict": "wrong", "domain": "城乡建设", "note": "实为施工扬尘"}
    assert event["before"] == {"domain": "环境保护"}
    # the verdict changes nothing on the live case
    assert supervisor.get(f"/api/cases/{second['case_number']}").json["domain"] == "环境保护"


def test_a_verdict_is_final(version, auto_cases, api):
    supervisor = api.as_("supervisor1")
    supervisor.post(f"/api/routing/models/{version}/audits", json={"size": 1})
    audit = supervisor.get(f"/api/routing/models/{version}/audits").json["audits"][0]
    assert supervisor.post(f"/api/routing/audits/{audit['id']}", json={"verdict": "correct"}).status == 200
    second = api.as_("admin1").post(f"/api/routing/audits/{audit['id']}",
                                    json={"verdict": "wrong", "domain": "城乡建设"})
    assert second.status == 409 and second.json["error"]["message"] == "该抽检已判定，不能重复判定"
    after = supervisor.get(f"/api/routing/models/{version}/audits").json
    assert after["audits"][0]["verdict"] == "correct" and after["summary"]["wrong"] == 0
    events = supervisor.get(f"/api/cases/{audit['case_number']}/history").json["events"]
    assert [e["action"] for e in events].count("routing_audit") == 1


@pytest.mark.parametrize("body, field", [
    ({"verdict": "wrong"}, "domain"),
    ({"verdict": "wrong", "domain": "环境保护"}, "domain"),          # the auto-dispatched one
    ({"verdict": "wrong", "domain": "星际旅行"}, "domain"),
    ({"verdict": "correct", "domain": "城乡建设"}, "domain"),
    ({"verdict": "maybe"}, "verdict"),
    ({}, "verdict"),
    ({"verdict": "correct", "note": "长" * 501}, "note"),
])
def test_bad_verdicts_are_refused_field_by_field_and_write_nothing(version, auto_cases, api, body, field):
    supervisor = api.as_("supervisor1")
    supervisor.post(f"/api/routing/models/{version}/audits", json={"size": 3})
    audit = supervisor.get(f"/api/routing/models/{version}/audits").json["audits"][0]
    response = supervisor.post(f"/api/routing/audits/{audit['id']}", json=body)
    assert response.status == 422 and field in response.json["error"]["fields"], response
    after = supervisor.get(f"/api/routing/models/{version}/audits").json
    assert after["summary"]["judged"] == 0
    events = supervisor.get(f"/api/cases/{audit['case_number']}/history").json["events"]
    assert "routing_audit" not in [e["action"] for e in events]


@pytest.mark.parametrize("size", [0, 101, "10", None])
def test_a_bad_sample_size_is_refused(version, auto_cases, api, rt, size):
    response = api.as_("supervisor1").post(f"/api/routing/models/{version}/audits", json={"size": size})
    assert response.status == 422 and "size" in response.json["error"]["fields"], response
    assert _audits(rt) == 0


def test_unknown_versions_and_audits_are_404(api):
    supervisor = api.as_("supervisor1")
    assert supervisor.get("/api/routing/models/4242/audits").status == 404
    assert supervisor.post("/api/routing/models/4242/audits", json={"size": 5}).status == 404
    missing = supervisor.post("/api/routing/audits/4242", json={"verdict": "correct"})
    assert missing.status == 404 and missing.json["error"]["message"] == "抽检记录 4242 不存在"
    assert supervisor.post("/api/routing/audits/abc", json={"verdict": "correct"}).status == 404


def test_the_audited_domain_is_the_closed_case_training_label(version, api, rt):
    text = "我司咨询职工养老保险的问题，请相关部门答复"   # 劳动和社会保障 → rsj, which has a demo specialist
    case = api.submit(description=text, domain=None, town="小榄镇")
    assert case["routing"]["auto_dispatched"] and case["unit"]["code"] == "rsj", case
    number = case["number"]
    supervisor = api.as_("supervisor1")
    supervisor.post(f"/api/routing/models/{version}/audits", json={"size": 1})
    audit = supervisor.get(f"/api/routing/models/{version}/audits").json["audits"][0]
    supervisor.post(f"/api/routing/audits/{audit['id']}", json={"verdict": "wrong", "domain": "城乡建设"})
    api.unit_handles(number, specialist=f"spec_{case['unit']['code']}")
    assert api.rate(number, "满意").json["status"] == "closed"

    from app.services.routing.model_versions import closed_case_rows
    with rt.uow() as uow:
        assert closed_case_rows(uow.session) == ([text], ["城乡建设"], [number])


# -- the page ---------------------------------------------------------------------------------
def test_a_supervisor_draws_and_judges_on_the_page(version, auto_cases, app):
    client = logged_in(app, "supervisor1")
    page = client.get("/routing/audit").get_data(as_text=True)
    assert 'href="/routing/audit"' in page and "该版本尚未抽样" in page and f"v{version}" in page
    drawn = client.post(f"/routing/audit/{version}/draw", data={"csrf_token": client.csrf, "size": "2"},
                        follow_redirects=True).get_data(as_text=True)
    assert "本次抽取 2 件" in drawn
    assert page_figures(drawn) == {"auto": "3", "sampled": "2", "correct": "0", "wrong": "0", "pending": "2",
                                   "precision": "—"}
    ids = re.findall(r'data-audit="(\d+)"', drawn)
    assert len(ids) == 2
    right = client.post(f"/routing/audit/judge/{ids[0]}",
                        data={"csrf_token": client.csrf, "version": version, "verdict": "correct"},
                        follow_redirects=True).get_data(as_text=True)
    assert "已判定：领域正确" in right
    missing_domain = client.post(f"/routing/audit/judge/{ids[1]}",
                                 data={"csrf_token": client.csrf, "version": version, "verdict": "wrong",
                                       "domain": ""}, follow_redirects=True).get_data(as_text=True)
    number = re.search(rf'<tr data-audit="{ids[1]}">\s*<td[^>]*><a href="[^"]+">([^<]+)</a>', drawn).group(1)
    assert f"{number}：判定为错误时须选择正确的领域" in missing_domain
    wrong = client.post(f"/routing/audit/judge/{ids[1]}",
                        data={"csrf_token": client.csrf, "version": version, "verdict": "wrong",
                              "domain": "城乡建设", "note": ""}, follow_redirects=True).get_data(as_text=True)
    assert "已判定：领域错误" in wrong and "→ 城乡建设" in wrong
    figures = page_figures(wrong)
    assert (figures["correct"], figures["wrong"], figures["pending"]) == ("1", "1", "0")
    assert (figures["precision"], figures["interval"]) == ("50.0%", "9.4% – 90.5%")
    again = client.post(f"/routing/audit/judge/{ids[1]}",
                        data={"csrf_token": client.csrf, "version": version, "verdict": "correct"},
                        follow_redirects=True).get_data(as_text=True)
    assert "该抽检已判定，不能重复判定" in again
    bad_size = client.post(f"/routing/audit/{version}/draw", data={"csrf_token": client.csrf, "size": "x"},
                           follow_redirects=True).get_data(as_text=True)
    assert "抽样数须为 1–100" in bad_size
    models = logged_in(app, "admin1").get("/routing/models").get_data(as_text=True)
    assert "抽检精确率" in models and "1 / 2 · 9.4%–90.5%" in models


def test_analysts_read_the_audit_and_only_supervisors_and_admins_judge(version, auto_cases, app, api):
    api.as_("supervisor1").post(f"/api/routing/models/{version}/audits", json={"size": 3})
    analyst = logged_in(app, "analyst1")
    page = analyst.get(f"/routing/audit?version={version}").get_data(as_text=True)
    assert page_figures(page)["pending"] == "3" and "/routing/audit/judge/" not in page and "随机抽样" not in page
    assert analyst.post(f"/routing/audit/{version}/draw",
                        data={"csrf_token": analyst.csrf, "size": "2"}).status_code == 403
    assert logged_in(app, "dispatcher1").get("/routing/audit").status_code == 403
    english = logged_in(app, "supervisor1")
    english.get("/lang/en")
    html = english.get(f"/routing/audit?version={version}").get_data(as_text=True)
    assert "Routing audit" in html and "Domain right" in html and "Draw at random" in html
    assert 'disabled title="Every automatic dispatch of this version has been drawn"' in html   # all 3 drawn
    assert '<div class="kpi-label">To judge</div>' in html and '<div class="kpi-label">Audited precision</div>' in html
    drawn = english.post(f"/routing/audit/{version}/draw", data={"csrf_token": english.csrf, "size": "5"},
                         follow_redirects=True).get_data(as_text=True)
    assert "Nothing left to draw: every automatic dispatch of this version has been drawn already" in drawn


def test_the_page_without_models(app):
    assert "尚无分拨模型" in logged_in(app, "supervisor1").get("/routing/audit").get_data(as_text=True)


def test_two_verdicts_at_once_exactly_one_wins(version, auto_cases, api, rt, monkeypatch):
    import threading

    from app.db.models import AuditEvent
    from app.services.routing import audit as routing_audit
    from tests.integration.test_concurrency import _run_parallel

    supervisor = api.as_("supervisor1")
    supervisor.post(f"/api/routing/models/{version}/audits", json={"size": 1})
    audit = supervisor.get(f"/api/routing/models/{version}/audits").json["audits"][0]
    barrier = threading.Barrier(2, timeout=20)      # both have loaded the audit before either writes
    original = routing_audit._check

    def synchronised(*args):
        barrier.wait()
        return original(*args)
    monkeypatch.setattr(routing_audit, "_check", synchronised)

    tokens = {user: api.token(user) for user in ("supervisor1", "admin1")}

    def judge(user, body):
        def go():
            raw = api.app.test_client().post(f"/api/routing/audits/{audit['id']}", json=body,
                                             headers={"Authorization": f"Bearer {tokens[user]}"})
            return raw.status_code, raw.get_json()
        return go

    results = _run_parallel([judge("supervisor1", {"verdict": "correct"}),
                             judge("admin1", {"verdict": "wrong", "domain": "城乡建设"})])
    assert sorted(status for status, _ in results) == [200, 409], results
    winner = next(body for status, body in results if status == 200)
    after = supervisor.get(f"/api/routing/models/{version}/audits").json["audits"][0]
    assert (after["verdict"], after["judged_by"]) == (winner["verdict"], winner["judged_by"])
    with rt.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "routing_audit")) == 1


def _judge_all(api, version, verdict: str) -> None:
    supervisor = api.as_("supervisor1")
    assert supervisor.post(f"/api/routing/models/{version}/audits", json={"size": 10}).status == 201
    for audit in supervisor.get(f"/api/routing/models/{version}/audits").json["audits"]:
        body = {"verdict": verdict} | ({"domain": "城乡建设"} if verdict == "wrong" else {})
        assert supervisor.post(f"/api/routing/audits/{audit['id']}", json=body).status == 200


def test_the_models_page_shows_the_promise_and_an_audit_that_keeps_it(version, auto_cases, api, app):
    model = {m["version"]: m for m in api.as_("admin1").get("/api/routing/models").json}[version]
    promise = model["promise"]
    assert promise["target"] == 0.97 and promise["confidence_level"] == 0.95
    assert 0.97 <= promise["low"] <= promise["precision"] <= promise["high"] <= 1.0 and promise["n"] > 0
    assert model["promise_verdict"] is None                       # nothing judged yet
    _judge_all(api, version, "correct")
    model = {m["version"]: m for m in api.as_("admin1").get("/api/routing/models").json}[version]
    assert model["promise_verdict"] == "kept"
    html = logged_in(app, "admin1").get("/routing/models").get_data(as_text=True)
    assert "承诺 ≥ 97.0%" in html and f"置信区间 {promise['low']:.1%}" in html and "达到承诺" in html
    assert "promise-broken" not in html


def test_an_audit_below_the_promise_raises_an_alert_on_the_models_page(version, auto_cases, api, app):
    _judge_all(api, version, "wrong")
    model = {m["version"]: m for m in api.as_("admin1").get("/api/routing/models").json}[version]
    assert model["audit"]["ci_high"] < 0.97 and model["promise_verdict"] == "broken"
    html = logged_in(app, "admin1").get("/routing/models").get_data(as_text=True)
    assert re.search(r'role="alert"><strong>抽检精确率低于承诺', html)
    english = logged_in(app, "admin1").get("/routing/models", headers={"Accept-Language": "en"})
    assert "The audit breaks the promise" in english.get_data(as_text=True)
