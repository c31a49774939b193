"""GET /api/analytics/elements, flows, variants, conformance (issue 21 §1–§3, §5): the figures
of a hand-counted history (tests/analytics_support.py)."""
from __future__ import annotations

from pathlib import Path

from tests.analytics_support import PATH_A, PATH_B, PATH_C, play

MIN = 60


def by(items, key):
    return {item[key]: item for item in items}


def test_elements_count_cases_passes_times_and_breaches(api, rt):
    play(api, rt)
    answer = api.as_("analyst1").get("/api/analytics/elements")
    assert answer.status == 200, answer
    items = by(answer.json["items"], "element_id")
    dispatch, sign, rate = items["dispatch"], items["sign"], items["rate"]
    assert (dispatch["process_id"], dispatch["name"]) == ("enterprise_demand", "派单")
    assert (dispatch["cases"], dispatch["passes"], dispatch["open"]) == (3, 3, 0)
    assert dispatch["median_seconds"] == 10 * MIN and dispatch["p90_seconds"] == 20 * MIN
    # sign: A 30 min, B 90 and 20 min (two passes in one case), C still waiting
    assert (sign["process_id"], sign["cases"], sign["passes"], sign["open"]) == ("unit_handling", 2, 3, 1)
    assert sign["median_seconds"] == 30 * MIN and sign["p90_seconds"] == 90 * MIN
    assert sign["breached"] == 1  # B's first 签收, 90 minutes after a 60-minute deadline
    assert items["supervise"]["passes"] == 1 and items["supervise"]["median_seconds"] == 15 * MIN
    assert (rate["cases"], rate["passes"]) == (2, 3)
    assert items["propose"]["median_seconds"] == 30 * MIN and items["propose"]["p90_seconds"] == 120 * MIN


def test_filters_narrow_the_cases(api, rt):
    play(api, rt)
    none = api.as_("leader1").get("/api/analytics/elements", unit="zjj").json["items"]
    assert none == []
    mine = by(api.as_("leader1").get("/api/analytics/elements", unit="cgj", kind="投诉").json["items"],
              "element_id")
    assert mine["dispatch"]["cases"] == 3
    bad = api.as_("leader1").get("/api/analytics/elements", **{"from": "2026-12-01", "to": "2026-11-01"})
    assert bad.status == 422 and "to" in bad.json["error"]["fields"]


def test_flows_follow_the_model(api, rt):
    play(api, rt)
    flows = by(api.as_("designer1").get("/api/analytics/flows").json["items"], "flow_id")
    assert flows["flow_route_dispatch"]["passes"] == 3           # every case went to 派单
    assert flows["flow_sign_contact"] == {"process_id": "unit_handling", "flow_id": "flow_sign_contact",
                                          "name": flows["flow_sign_contact"]["name"],
                                          "passes": 3, "cases": 2}
    assert flows["flow_dissatisfied"]["passes"] == 1 and flows["flow_supervise_redo"]["cases"] == 1


def test_variants_with_their_cases(api, rt):
    numbers = play(api, rt)
    answer = api.as_("analyst1").get("/api/analytics/variants").json
    assert answer["cases"] == 3 and answer["variants"] == 3
    paths = {tuple(v["path"]): v for v in answer["items"]}
    assert set(paths) == {tuple(PATH_A), tuple(PATH_B), tuple(PATH_C)}
    b = paths[tuple(PATH_B)]
    assert b["count"] == 1 and b["share"] == round(1 / 3, 4) and b["satisfaction"] == 1.0
    assert b["names"][:3] == ["派单", "签收", "联系企业"]
    cases = api.as_("analyst1").get(f"/api/analytics/variants/{b['id']}/cases").json
    assert cases["count"] == 1 and [c["number"] for c in cases["items"]] == [numbers["B"]]


def test_conformance_of_cases_that_follow_the_model(api, rt):
    play(api, rt)
    answer = api.as_("designer1").get("/api/analytics/conformance").json
    assert (answer["cases"], answer["fitting"], answer["deviating"]) == (3, 3, 0)


def test_exports_and_access(api, rt):
    play(api, rt)
    csv = api.as_("analyst1").get("/api/analytics/elements", format="csv")
    assert csv.status == 200
    assert api.as_("agent1").get("/api/analytics/elements").status == 403


def test_openapi_documents_the_endpoints(api):
    paths = api.anonymous().get("/api/openapi.json").json["paths"]
    for path in ("/api/analytics/elements", "/api/analytics/flows", "/api/analytics/variants",
                 "/api/analytics/conformance", "/api/analytics/variants/{variant}/cases"):
        assert path in paths


def _sla():
    return Path("workflows/sla.dmn").read_text(encoding="utf-8")


def test_what_if_on_an_unchanged_table_equals_today(api, rt):
    play(api, rt)
    answer = api.as_("designer1").post("/api/analytics/what-if", json={"sla_dmn": _sla()})
    assert answer.status == 200, answer
    result = answer.json
    assert result["totals"]["draft"] == result["totals"]["today"]
    # Response clocks (dispatch → contact, warning at 45 of 60 minutes): A 50 minutes (warned),
    # B's first round 100 (breached), its second round 30 (met); C's is still running.
    assert result["totals"]["today"]["response"] == {"met": 1, "warned": 1, "breached": 1}
    assert [u["unit"] for u in result["units"]] == ["cgj"]


def test_what_if_with_a_longer_response_limit(api, rt):
    play(api, rt)
    draft = _sla().replace("<text>60</text>", "<text>120</text>")  # 60-minute responses → 120
    result = api.as_("designer1").post("/api/analytics/what-if", json={"sla_dmn": draft}).json
    assert result["totals"]["draft"]["response"] == {"met": 2, "warned": 1, "breached": 0}


def test_what_if_refuses_a_broken_table(api, rt):
    answer = api.as_("designer1").post("/api/analytics/what-if", json={"sla_dmn": "<definitions"})
    assert answer.status == 422 and "sla_dmn" in answer.json["error"]["fields"]


def test_conformance_finds_a_step_the_new_model_no_longer_has(api, rt):
    numbers = play(api, rt)
    main = Path("workflows/enterprise_demand.bpmn").read_text(encoding="utf-8")
    renamed = main.replace('"supervise"', '"supervise_review"')   # 督办回访 gets another id
    deployed = api.as_("designer1").post("/api/deployments", json={"filename": "enterprise_demand.bpmn",
                                                                    "content": renamed})
    assert deployed.status == 201, deployed
    answer = api.as_("designer1").get("/api/analytics/conformance").json
    assert (answer["cases"], answer["fitting"], answer["deviating"]) == (3, 2, 1)
    [case] = answer["items"]
    assert case["number"] == numbers["B"] and case["older_version"] is True
    assert case["deviation"]["element_id"] == "supervise"
    assert case["deviation"]["reason"] == "not_in_model" and case["deviation"]["after"] == "rate"
    assert answer["reasons"] == {"not_in_model": 1}
