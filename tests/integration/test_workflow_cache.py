"""The per-process workflow cache (services/runtime.WorkflowCache): a completion takes the case's
live workflow instead of loading its state when the case is at the version the workflow was
saved at; the cached workflow is exactly the stored state, the steps are the same with and
without the cache, and a state written elsewhere (a timer firing) is never answered from it."""
from __future__ import annotations

from sqlalchemy import select

from app.db.models import Case, WorkflowState
from app.services.runtime import WorkflowCache
from app.services.timers import fire_due


def _stored(rt, number):
    with rt.uow() as uow:
        case, state = uow.session.execute(
            select(Case, WorkflowState.state).join(WorkflowState, WorkflowState.case_id == Case.id)
            .where(Case.number == number)).one()
        return case.id, case.version, state


def _loop(api, number, check=None) -> list:
    """The dual loop from dispatch to closing; after each step (status, open task names)."""
    seen = []

    def step(response):
        assert response.status == 200, response
        seen.append((response.json["status"],
                     sorted(t["name"] for t in response.json.get("open_tasks", []))))
        if check:
            check()

    step(api.dispatch(number, "cgj"))
    from tests.support import UNIT_STEPS
    for _round in range(2):
        for name, data in UNIT_STEPS:
            step(api.as_("spec_cgj").complete(number, name, data))
        step(api.rate(number, "不满意" if _round == 0 else "满意"))
        if _round == 0:
            step(api.as_("supervisor1").complete(number, "supervise", {"instruction": "再办"}))
    return seen


def test_the_cached_workflow_is_the_stored_state_at_every_step(api, rt, monkeypatch):
    monkeypatch.setattr(rt, "workflows", WorkflowCache(8))
    number = api.submit(domain="城市管理", town="")["number"]

    def check():
        case_id, version, stored = _stored(rt, number)
        cached_version, workflow, _ids = rt.workflows._items[case_id]
        assert cached_version == version
        assert rt.runner.dump(workflow) == stored

    _loop(api, number, check)
    assert rt.workflows.hits >= 12 and rt.workflows.misses == 0


def test_the_steps_are_the_same_with_and_without_the_cache(api, rt, monkeypatch):
    monkeypatch.setattr(rt, "workflows", WorkflowCache(8))
    cached = _loop(api, api.submit(domain="城市管理", town="")["number"])
    monkeypatch.setattr(rt, "workflows", WorkflowCache(0))
    loaded = _loop(api, api.submit(domain="城市管理", town="")["number"])
    assert cached == loaded and cached[-1][0] == "closed"


def test_a_state_written_by_a_timer_is_not_answered_from_the_cache(api, rt, monkeypatch):
    monkeypatch.setattr(rt, "workflows", WorkflowCache(8))
    number = api.submit(domain="城市管理", town="")["number"]
    assert api.dispatch(number, "cgj").status == 200
    case_id, version, _state = _stored(rt, number)
    assert rt.workflows._items[case_id][0] == version
    rt.clock.advance(days=30)
    assert fire_due(rt) > 0  # the worker's command writes the state: the case's version moves
    assert _stored(rt, number)[1] > version
    hits = rt.workflows.hits
    assert api.as_("spec_cgj").complete(number, "sign", {}).status == 200
    assert rt.workflows.hits == hits  # loaded from the stored state, not the stale workflow
