"""End to end through the HTTP API: the dual closed loop (P3, P9, P10, P16, P17)."""
from __future__ import annotations


def test_complaint_goes_round_the_loop_until_satisfied(api):
    case = api.submit(domain="城市管理", town="")
    number = case["number"]
    assert case["status"] == "dispatching"
    assert case["suggested_unit"] == {"小榄镇": "xlz", "板芙镇": "bfz", "古劳镇": "glz", "火炬开发区": "hjq"}.get(case["town"], "cgj")
    assert api.dispatch(number, "cgj").status == 200
    api.unit_handles(number)
    assert api.rate(number, "不满意").json["status"] == "supervising"
    assert api.as_("supervisor1").complete(number, "supervise", {"instruction": "请重新联系企业"}).status == 200
    api.unit_handles(number)
    final = api.rate(number, "满意").json
    assert final["status"] == "closed" and final["closed"] is True
    assert final["rating"] == "满意" and final["dissatisfied_rounds"] == 1

    actions = [e["action"] for e in api.as_("supervisor1").get(f"/api/cases/{number}/history").json["events"]]
    assert actions[0] == "intake" and actions[-1] == "close"
    assert actions.count("rating") == 2
