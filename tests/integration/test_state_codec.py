"""The fast state codec (app/engine/codec.py) writes the same JSON as SpiffWorkflow's converters
and loads the same trees: compared on every dump and load of a loop with a dissatisfied round,
fired timers and joint handling (co-units)."""
from __future__ import annotations

from app.services.runtime import WorkflowCache
from app.services.timers import fire_due
from tests.codec_check import compare_codecs  # noqa: F401 - the fixture compares every state
from tests.support import UNIT_STEPS


def test_every_state_of_a_loop_is_written_and_read_as_spiffworkflow_does(api, rt, compare_codecs,  # noqa: F811
                                                                        monkeypatch):
    monkeypatch.setattr(rt, "workflows", WorkflowCache(0))  # every step loads its state
    number = api.submit(domain="城市管理", town="")["number"]
    assert api.dispatch(number, "cgj").status == 200
    api.unit_handles(number)
    assert api.rate(number, "不满意").json["status"] == "supervising"
    assert api.as_("supervisor1").complete(number, "supervise", {"instruction": "再办"}).status == 200
    rt.clock.advance(days=30)
    assert fire_due(rt) > 0
    api.unit_handles(number)
    assert api.rate(number, "满意").json["status"] == "closed"
    assert compare_codecs["dumps"] > 12 and compare_codecs["loads"] > 12


def test_states_with_parallel_co_unit_branches(api, rt, compare_codecs, monkeypatch):  # noqa: F811
    monkeypatch.setattr(rt, "workflows", WorkflowCache(0))
    number = api.submit(domain="城市管理", town="")["number"]
    assert api.as_("dispatcher1").complete(number, "dispatch", {
        "unit_code": "cgj", "override_reason": "会办", "co_units": ["rsj", "zjj"]}).status == 200
    for name, data in UNIT_STEPS[:3]:
        assert api.as_("spec_cgj").complete(number, name, data).status == 200
    for user in ("spec_rsj", "spec_zjj"):
        assert api.as_(user).complete(number, "co_handle", {"co_opinion": "同意"}).status == 200
    assert compare_codecs["dumps"] > 5 and compare_codecs["loads"] > 5
