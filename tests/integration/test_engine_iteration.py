"""The engine's fast task walk (app/engine/iteration.py) finds the same tasks in the same order
as SpiffWorkflow's iterator: compared on every walk of a loop with a dissatisfied round, joint
handling (co-units) and fired timers."""
from __future__ import annotations

from tests.iteration_check import compare_walks  # noqa: F401 - the fixture compares every walk
from app.services.timers import fire_due
from tests.support import UNIT_STEPS


def test_every_walk_of_a_loop_finds_what_spiffworkflow_finds(api, rt, compare_walks):  # noqa: F811
    case = api.submit(domain="城市管理", town="")
    number = case["number"]
    assert api.dispatch(number, "cgj").status == 200
    api.unit_handles(number)
    assert api.rate(number, "不满意").json["status"] == "supervising"
    assert api.as_("supervisor1").complete(number, "supervise", {"instruction": "再办"}).status == 200
    rt.clock.advance(days=30)  # every deadline timer falls due and fires
    assert fire_due(rt) > 0
    api.unit_handles(number)
    assert api.rate(number, "满意").json["status"] == "closed"
    assert compare_walks["compared"] > 100


def test_walks_agree_with_parallel_co_unit_branches(api, compare_walks):  # noqa: F811
    number = api.submit(domain="城市管理", town="")["number"]
    response = api.as_("dispatcher1").complete(number, "dispatch", {
        "unit_code": "cgj", "override_reason": "会办", "co_units": ["rsj", "zjj"]})
    assert response.status == 200, response
    for name, data in UNIT_STEPS[:3]:  # the lead unit up to its proposal, the co-units' opinions
        assert api.as_("spec_cgj").complete(number, name, data).status == 200
    for user in ("spec_rsj", "spec_zjj"):
        assert api.as_(user).complete(number, "co_handle", {"co_opinion": "同意"}).status == 200
    assert api.as_("spec_cgj").complete(number, "reply", dict(UNIT_STEPS)["reply"]).status == 200
    assert compare_walks["compared"] > 20
