"""A case's stored workflow state does not snowball with its rounds (issue 20 §2): each handling
round runs the unit's subprocesses anew and adds its tasks to the main process; what finished
above the cut is compacted away (app/engine/prune.py; the trail keeps the history); the case
still loads, shows its diagram (completed elements of earlier rounds too) and closes. Migration
0071 compacts the states stored before."""
from __future__ import annotations

import importlib
import json
from types import SimpleNamespace

from sqlalchemy import select

from app.db.models import Case, WorkflowState

ROUND_STEPS = (("supervisor1", "supervise", {"instruction": "请重新联系企业"}),
               ("leader1", "leader_instruction", {"leader_instruction": "请牵头协调解决"}))


def state_of(rt, number: str) -> str:
    with rt.uow() as uow:
        return uow.session.scalar(select(WorkflowState.state).join(
            Case, Case.id == WorkflowState.case_id).where(Case.number == number))


def state_bytes(rt, number: str) -> int:
    return len(state_of(rt, number).encode())


def dissatisfied_round(api, number: str) -> None:
    api.unit_handles(number)
    assert api.rate(number, "不满意").status == 200
    for user, task, data in ROUND_STEPS:  # 督办回访, or after max rounds 领导批示 (P10)
        if api.as_(user).task_for(number, task) is not None:
            assert api.as_(user).complete(number, task, data).status == 200
            return
    raise AssertionError("no supervision task after a dissatisfied rating")


def completed_marks(api, number: str) -> set[str]:
    answer = api.as_("supervisor1").get(f"/api/cases/{number}/diagram")
    assert answer.status == 200, answer
    return set(answer.json["completed"])


def test_each_dissatisfied_round_adds_at_most_4_kb_to_the_stored_state(api, rt):
    number = api.submit(domain="城市管理", town="")["number"]
    assert api.dispatch(number).status == 200
    sizes = []
    for _round in range(4):
        dissatisfied_round(api, number)
        sizes.append(state_bytes(rt, number))
    # Before: +44 KB a round (finished subprocesses), then +6.5 KB (the main process's tasks).
    assert max(b - a for a, b in zip(sizes, sizes[1:])) <= 4096, sizes
    # The diagram still shows what earlier rounds completed, in both processes.
    assert {"dispatch", "classify_task", "rate", "supervise", "leader_instruction",
            "sign", "contact", "propose", "reply"} <= completed_marks(api, number)
    api.unit_handles(number)
    answer = api.rate(number, "满意")
    assert answer.status == 200 and answer.json["status"] == "closed", answer


def test_migration_0071_compacts_a_state_stored_uncompacted(api, rt, monkeypatch):
    import app.engine.state as state_module
    with monkeypatch.context() as patch:  # the states an older release stored
        patch.setattr(state_module, "compact_state", lambda dct, _joins=(): dct)
        number = api.submit(domain="城市管理", town="")["number"]
        assert api.dispatch(number).status == 200
        for _round in range(3):
            dissatisfied_round(api, number)
    before = state_bytes(rt, number)
    marks_before = completed_marks(api, number)
    migration = importlib.import_module("migrations.versions.0071_compact_workflow_states")
    with rt.uow() as uow:
        conn = uow.session.connection()
        monkeypatch.setattr(migration, "op", SimpleNamespace(get_bind=lambda: conn))
        migration.upgrade()
        uow.session.commit()
    after = state_bytes(rt, number)
    assert after < before / 3, (before, after)
    assert "qisu_done" in json.loads(state_of(rt, number))
    assert completed_marks(api, number) >= marks_before
    api.unit_handles(number)
    answer = api.rate(number, "满意")
    assert answer.status == 200 and answer.json["status"] == "closed", answer


def test_a_case_on_an_older_version_is_compacted_with_its_own_process(api, rt):
    """Version pinning: the old case's state is cut with the specs of its own deployment, after
    a new version (a renamed supervision task) is deployed; both cases go on and close."""
    from tests.api.test_deployments import bpmn, upload
    old = api.submit(domain="城市管理", town="")["number"]
    assert api.dispatch(old).status == 200
    dissatisfied_round(api, old)
    assert upload(api, bpmn(**{'name="督办回访"': 'name="督办回访（新）"'})).status == 201
    new = api.submit(domain="城市管理", town="")["number"]
    assert api.dispatch(new).status == 200
    sizes = []
    for number in (old, new, old, new):
        dissatisfied_round(api, number)
        sizes.append(state_bytes(rt, number))
    assert sizes[2] - sizes[0] <= 4096 and sizes[3] - sizes[1] <= 4096, sizes
    assert "supervise" in completed_marks(api, old) and "dispatch" in completed_marks(api, new)
    for number in (old, new):
        api.unit_handles(number)
        answer = api.rate(number, "满意")
        assert answer.status == 200 and answer.json["status"] == "closed", answer
