"""Steps of what a task shows its doer (`context` of GET /api/tasks/{id}; P10 rounds): a rating
with its reason, the round a task belongs to, and the earlier rounds it carries.
Imported by the scenario modules that use them (test_p10_resupervision.py)."""
from __future__ import annotations

import pytest
from pytest_bdd import given, then, when

from tests.bdd.common import ROLE, SEP, q, step_re, table_dict, task_is

RATED_WITH_REASON = rf'{ROLE}{q("user")} (?:已)?评价为 {q("rating")}{SEP}评价意见为 {q("comment")}'
ROUND_FIELDS = {"评价": "rating", "评价意见": "rating_comment", "督办意见": "instruction",
                "领导批示": "leader_instruction", "解决方案": "solution"}


def task_context(api, user: str, number: str, task: str) -> dict:
    """The context of `user`'s open task `task` (its title or name) on the case."""
    client = api.as_(user)
    found = next((t for t in client.tasks(case_number=number, per_page=100)
                  if task_is(t, task)), None)
    if found is None:
        pytest.fail(f"{user} 的待办中没有诉求 {number} 的 {task!r} 任务")
    response = client.get(f"/api/tasks/{found['id']}")
    assert response.status == 200, response
    return response.json["context"]


@given(step_re(RATED_WITH_REASON))
@when(step_re(RATED_WITH_REASON))
def rated_with_reason(api, world, case, user, rating, comment):
    world.response = api.as_(user).post(f"/api/cases/{case['number']}/rating",
                                        json={"rating": rating, "rating_comment": comment})
    assert world.response.status == 200, world.response


@then(step_re(rf'{ROLE}{q("user")} 的 {q("task")} 任务属于第 (?P<n>\d+) 轮办理'))
def task_round(api, case, user, task, n):
    assert task_context(api, user, case["number"], task)["round"] == int(n)


@then(step_re(rf'{ROLE}{q("user")} 的 {q("task")} 任务显示第 (?P<n>\d+) 轮的情况[:：]'))
def task_shows_round(api, case, user, task, n, datatable):
    rounds = {r["round"]: r for r in task_context(api, user, case["number"], task)["previous_rounds"]}
    assert int(n) in rounds, rounds
    shown = rounds[int(n)]
    for label, value in table_dict(datatable).items():
        if label == "答复":
            actual = shown["reply"]["text"] if shown["reply"] else None
        else:
            actual = shown[ROUND_FIELDS[label]]
        assert actual == value, (label, actual)
