"""Cases with accepted and refused returns, built through the real use cases (API), for the P18
cross-checks: tiles, ranking rows, trend, towns and exports must tell the same story."""
from __future__ import annotations

from app.clock import local
from app.demo.data import ENTERPRISES

RED, PLAIN, OTHER = 0, 1, 2  # 好来化工 (red list, 板芙镇), 榄兴五金 (小榄镇), 华信电子 (red list, 火炬开发区)
FIRST_DAY, SECOND_DAY = "2026-11-23", "2026-11-24"


def contact(rt) -> dict:
    """The contact step's data, contacted now (a time the form accepts whatever the clock says)."""
    return {"contacted_at": local(rt.clock.now()).isoformat(timespec="seconds"),
            "contact_method": "电话"}


def handle(api, rt, number: str, specialist: str) -> None:
    user = api.as_(specialist)
    for name, data in (("sign", {}), ("contact", contact(rt)),
                       ("propose", {"solution": "协调相关部门处理"}),
                       ("reply", {"result": "解决", "reply_text": "已协调解决"})):
        assert user.complete(number, name, data).status == 200, (number, name)


def return_case(api, number: str, specialist: str, decision: str = "同意退单",
                to: str | None = None) -> None:
    """The unit returns the case at 签收 and the dispatcher decides."""
    assert api.as_(specialist).complete(number, "sign", {
        "sign_action": "退单", "return_reason": "不属于本单位职责"}).status == 200
    data = {"return_decision": decision, "review_comment": "已核实"}
    if to:
        data["unit_code"] = to
    assert api.as_("dispatcher1").complete(number, "review_return", data).status == 200


def returned_cases(api, rt) -> dict:
    """Day 1 (2026-11-23): a direct reply; a complaint cgj returned, handled by scjgj, rated 满意.
    Day 2 (2026-11-24): a red-list case scjgj returned to cgj, handled, rated 基本满意; an open
    complaint at cgj; a case bfz returned but the dispatcher refused (no accepted return).
    Accepted returns: one by cgj (day 1), one by scjgj (day 2, red list)."""
    api.as_("agent1").post("/api/cases", json={
        "kind": "咨询", "description": "咨询社保缴费基数", "domain": "劳动和社会保障",
        "credit_code": ENTERPRISES[PLAIN]["credit_code"], "direct_reply": "按知识库答复"})
    first = api.submit(PLAIN)["number"]
    assert api.dispatch(first, "cgj").status == 200
    return_case(api, first, "spec_cgj", to="scjgj")
    handle(api, rt, first, "spec_scjgj")
    assert api.rate(first, "满意").status == 200

    rt.clock.advance(days=1)
    red = api.submit(RED, domain="市场监管")["number"]
    assert api.dispatch(red, "scjgj").status == 200
    return_case(api, red, "spec_scjgj", to="cgj")
    handle(api, rt, red, "spec_cgj")
    assert api.rate(red, "基本满意", enterprise_user="ent1").status == 200
    open_case = api.submit(PLAIN)["number"]
    assert api.dispatch(open_case, "cgj").status == 200
    refused = api.submit(OTHER, kind="求助", domain="商贸旅游")["number"]
    assert api.dispatch(refused, "bfz").status == 200
    return_case(api, refused, "spec_bfz", decision="驳回退单")
    return {"first": first, "red": red, "open": open_case, "refused": refused}


# The filter sets the cross-checks walk (API query parameters).
FILTERS = [
    {}, {"unit": "cgj"}, {"unit": "scjgj"}, {"unit": "bfz"}, {"unit": "rsj"},
    {"town": ENTERPRISES[PLAIN]["town"]}, {"town": ENTERPRISES[RED]["town"]},
    {"domain": "市场监管"}, {"domain": "城市管理", "unit": "scjgj"},
    {"red_list": "true"}, {"red_list": "false"}, {"red_list": "true", "unit": "scjgj"},
    {"from": FIRST_DAY, "to": FIRST_DAY}, {"from": SECOND_DAY, "to": SECOND_DAY, "unit": "cgj"},
    {"kind": "投诉"}, {"channel": "phone", "unit": "cgj"},
]


# Counts every ranking row adds to the tiles: each dispatched case is on one unit's row, each
# accepted return on the returning unit's row (direct replies are at no unit, so the volume of
# the rows adds up to 派单量, not 诉求量).
ADDITIVE = ("returns", "extensions", "rated", "satisfied_strict", "satisfied_basic",
            "response_finished", "response_on_time", "solution_finished", "solution_on_time",
            "resolution_finished", "resolution_on_time")
ROW_FIGURES = ("volume", "rated", "returns", "extensions", "response_on_time_rate",
               "solution_on_time_rate", "resolution_on_time_rate", "satisfaction_rate",
               "satisfaction_rate_basic", "avg_handling_seconds")


def check_agreement(label, data: dict, unit: str | None) -> None:
    """`data`: the answers of metrics, units, trend and towns for one filter set (`unit`: its
    unit filter). The tiles are the sums of the ranking rows (under a unit filter: its only
    row, figure for figure); the trend and the town totals add up to the tiles."""
    tiles, rows = data["metrics"], data["units"]["items"]
    for key in ADDITIVE:
        assert tiles[key] == sum(r[key] for r in rows), (label, key, tiles[key], rows)
    assert tiles["dispatched"] == sum(r["volume"] for r in rows), label
    red = tiles["red_list"]
    if red is not None:
        assert red["returns"] <= tiles["returns"] and red["volume"] <= tiles["volume"], label
    if unit is not None:
        assert [r["unit_code"] for r in rows] in ([unit], []), (label, rows)
        row = rows[0] if rows else None
        for key in ROW_FIGURES:
            expected = row[key] if row else (0 if key in ("volume", *ADDITIVE) else None)
            assert tiles[key] == expected, (label, key, tiles[key], row)
    series = data["trend"]["series"]
    for key in ("volume", "dispatched", "rated", "resolution_finished"):
        assert sum(s[key] for s in series) == tiles[key], (label, key)
    assert sum(t["volume"] for t in data["towns"]["towns"]) == tiles["volume"], label
