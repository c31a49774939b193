"""Compaction changes nothing the case does (issue 20 §2, app/engine/prune.py): one scenario —
joint handling (协办, a parallel multi-instance branch), an extension (延期: a signal and its
approval), a return (退单) and its rejection, three dissatisfied rounds (督办, 领导批示), fired
deadline timers and the rating timeout — is run with the state saved as before compaction and
as it is saved now; after every step the case's status, open tasks, timers, clocks and the
data the engine gives each open task agree, and so do the diagram's current and overdue marks."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from sqlalchemy import delete, select, update

from app.clock import FixedClock, iso
from app.db import models
from app.db.models import Case, HumanTask, SlaClock, Timer, WorkflowState
from app.services.timers import fire_due
from tests.bdd.common import UNIT_SPECIALISTS, complete_own, current, dispatch
from tests.conftest import CASE_TABLES, START


def _trace(rt, number: str) -> tuple:
    with rt.uow() as uow:
        session = uow.session
        case = session.scalar(select(Case).where(Case.number == number))
        tasks = sorted((t.spec_name, t.status, t.role, t.unit_id or 0, str(t.due_at))
                       for t in session.scalars(select(HumanTask).where(HumanTask.case_id == case.id)))
        timers = sorted((t.name, str(t.due_at), t.status, str(t.fired_at))
                        for t in session.scalars(select(Timer).where(Timer.case_id == case.id)))
        clocks = sorted((c.clock, str(c.due_at), c.outcome, str(c.met_at))
                        for c in session.scalars(select(SlaClock).where(SlaClock.case_id == case.id)))
        workflow = rt.runner.load(rt.specs.get(session, case.deployment_id),
                                  session.get(WorkflowState, case.id).state)
        data = sorted((view.name, json.dumps({k: v for k, v in view.data.items()
                                              if k not in ("case_no", "case_id")},
                                             sort_keys=True, ensure_ascii=False, default=str))
                      for view in rt.runner.ready_user_tasks(workflow))
        return (case.status, case.dissatisfied_rounds, tuple(tasks), tuple(timers), tuple(clocks),
                tuple(data))


def _ok(response, expected=200):
    assert response.status == expected, response
    return response


def _work(api, rt, number: str, names: tuple[str, ...]) -> list[str]:
    """Complete the case's open tasks named in `names`, in that order of preference, until none
    is open; returns the names completed."""
    cgj, rsj = UNIT_SPECIALISTS["cgj"], UNIT_SPECIALISTS["rsj"]
    now = iso(rt.clock.now())
    who = {"sign": (cgj, {"sign_action": "签收"}),
           "contact": (cgj, {"contacted_at": now, "contact_method": "电话"}),
           "propose": (cgj, {"solution": "协调相关部门处理"}),
           "co_handle": (rsj, {"co_opinion": "人社局配合核查"}),
           "reply": (cgj, {"result": "解决", "reply_text": "已协调解决"}),
           "supervise_overdue_response": ("supervisor1", {"instruction": "请尽快响应"}),
           "supervise_overdue_solution": ("supervisor1", {"instruction": "请尽快提出方案"}),
           "supervise_overdue_resolution": ("supervisor1", {"instruction": "请尽快办结"}),
           "supervise": ("supervisor1", {"instruction": "请重新联系企业"}),
           "leader_instruction": ("leader1", {"leader_instruction": "请牵头协调"}),
           "revisit": ("supervisor1", {"rating": "满意", "revisit_note": "电话回访, 企业满意"})}
    done = []
    for _ in range(30):
        open_names = {t["name"]: t for t in current(api, number)["open_tasks"]}
        name = next((n for n in names if n in open_names), None)
        if name is None:
            return done
        user, data = who[name]
        _ok(api.as_(user).post(f"/api/tasks/{open_names[name]['id']}/complete", json={"data": data}))
        done.append(name)
    raise AssertionError(f"tasks keep coming: {done}")


UNIT = ("supervise_overdue_response", "supervise_overdue_solution", "supervise_overdue_resolution",
        "sign", "contact", "co_handle", "propose", "reply")


def scenario(api, rt, enterprise: int = 1) -> list[tuple]:
    """`enterprise` 1 (ent2) is not red-listed; 0 (ent1) is: its overdue stages get 超期督办."""
    trace = []
    number = api.submit(enterprise=enterprise, domain="城市管理", town="")["number"]
    rater = f"ent{enterprise + 1}"
    cgj = UNIT_SPECIALISTS["cgj"]

    def step(label):
        diagram = _ok(api.as_("supervisor1").get(f"/api/cases/{number}/diagram")).json
        # "completed" is left out: compacted, it is every round's (before, the newest round's).
        trace.append((label, _trace(rt, number) + (tuple(diagram["current"]),
                                                   tuple(diagram["overdue"]))))

    _ok(dispatch(api, number, "cgj", reason="城管局统一处理", co_units="rsj"))
    step("dispatched with a co-unit")
    _work(api, rt, number, ("sign", "co_handle"))
    step("signed, co-unit opinion")
    due = iso(rt.clock.now() + timedelta(days=9, hours=12))
    _ok(api.as_(cgj).post(f"/api/cases/{number}/extension-requests",
                          json={"requested_due": due, "reason": "需协调多个部门"}), 201)
    step("extension requested")
    _ok(complete_own(api, "supervisor1", number, "延期审批", {"extension_decision": "批准"}))
    step("extension approved")
    rt.clock.advance(hours=3)
    fire_due(rt)
    step("deadline timers fired")
    _work(api, rt, number, UNIT)
    step("replied")
    _ok(api.rate(number, "不满意", enterprise_user=rater))
    _work(api, rt, number, ("supervise",))
    step("round 2")
    _ok(api.as_(cgj).complete(number, "sign", {"sign_action": "退单", "return_reason": "不属本单位职责"}))
    step("returned")
    _ok(api.as_("dispatcher1").complete(number, "review_return", {"return_decision": "驳回退单"}))
    step("return rejected")
    _work(api, rt, number, UNIT)
    _ok(api.rate(number, "不满意", enterprise_user=rater))
    _work(api, rt, number, ("supervise", "leader_instruction"))
    step("round 3")
    _work(api, rt, number, UNIT)
    step("replied again")
    rt.clock.advance(hours=80)  # past the rating window: the rating timeout fires
    fire_due(rt)
    step("rating timed out")
    _work(api, rt, number, ("revisit",))
    step("end")
    return trace


def _clean(rt, base_deployment: int) -> None:
    rt.clock = FixedClock(START)
    with rt.uow() as uow:
        for model in CASE_TABLES:
            uow.session.execute(delete(model))
        uow.session.execute(delete(models.Deployment).where(models.Deployment.id != base_deployment))
        uow.session.execute(update(models.Deployment).values(generation=None))
        uow.session.commit()


@pytest.mark.parametrize("enterprise", [1, 0], ids=["plain", "red-listed"])
def test_a_compacted_case_does_what_an_uncompacted_one_does(api, rt, app, monkeypatch, enterprise):
    import app.engine.state as state_module
    with monkeypatch.context() as patch:
        patch.setattr(state_module, "compact_state",
                      lambda dct, _joins=(): state_module.prune_finished_subprocesses(dct))
        before = scenario(api, rt, enterprise)
    _clean(rt, app.config["BASE_DEPLOYMENT_ID"])
    after = scenario(api, rt, enterprise)
    assert len(before) == len(after)
    for (label, old), (_label, new) in zip(before, after):
        assert old == new, label
    # The scenario went where it should: co-unit tasks, fired timers, rounds, closed.
    last = after[-1][1]
    assert any(t[0] == "co_handle" for t in after[0][1][2]), after[0]
    assert any(t[2] == "fired" for t in last[3]), last
    assert last[1] >= 2 and last[0] == "closed", last
    if enterprise == 0:  # red-listed: the response stage went overdue and was marked so
        assert any("sp_response" in state[7] for _label, state in after), after
