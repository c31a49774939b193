"""A case's stored workflow state does not snowball with its rounds (issue 20 §2): each handling
round runs the unit's subprocesses anew, and the finished ones of earlier rounds are not kept in
the state (the trail keeps the history); the case still loads, shows its diagram and closes."""
from __future__ import annotations

from sqlalchemy import select

from app.db.models import Case, WorkflowState


def state_bytes(rt, number: str) -> int:
    with rt.uow() as uow:
        return len(uow.session.scalar(select(WorkflowState.state).join(
            Case, Case.id == WorkflowState.case_id).where(Case.number == number)).encode())


def test_a_second_dissatisfied_round_adds_little_to_the_stored_state(api, rt):
    number = api.submit(domain="城市管理", town="")["number"]
    assert api.dispatch(number).status == 200
    sizes = []
    # Round 1 不满意 → 督办回访; round 2 不满意 → 领导批示 (P10); each starts a new handling round.
    for user, task, data in (("supervisor1", "supervise", {"instruction": "请重新联系企业"}),
                             ("leader1", "leader_instruction", {"leader_instruction": "请牵头协调解决"})):
        api.unit_handles(number)
        assert api.rate(number, "不满意").status == 200
        assert api.as_(user).complete(number, task, data).status == 200
        sizes.append(state_bytes(rt, number))
    # Before: +44 KB a round (the finished subprocesses of every round stayed in the state).
    assert sizes[1] - sizes[0] <= 12_000, sizes
    assert api.as_("supervisor1").get(f"/api/cases/{number}/diagram").status == 200
    api.unit_handles(number)
    answer = api.rate(number, "满意")
    assert answer.status == 200 and answer.json["status"] == "closed", answer
