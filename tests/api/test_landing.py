"""Each role lands where its work is after logging in (and on `/`): a leader on 决策分析 — or on
its 待办 while a 领导批示 awaits it —, never on an empty 待办."""
from __future__ import annotations

import pytest

from tests.support import csrf

LANDING = {
    "agent1": "/intake", "dispatcher1": "/tasks", "spec_cgj": "/tasks", "supervisor1": "/supervision",
    "leader1": "/insight", "analyst1": "/insight", "designer1": "/designer", "admin1": "/supervision",
    "ent2": "/my/cases",
}


def _login(app, username: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": f"qisu-{username}",
                                           "csrf_token": csrf(client)})
    assert response.status_code == 302
    return client, response.headers["Location"]


@pytest.mark.parametrize("username", LANDING)
def test_each_role_lands_where_its_work_is(app, username):
    client, landing = _login(app, username)
    assert landing == LANDING[username]
    assert client.get(landing).status_code == 200
    assert client.get("/").headers["Location"] == LANDING[username]


def test_a_leader_with_an_instruction_to_give_lands_on_its_tasks(app, api):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    for round_ in (1, 2):
        api.unit_handles(number)
        rated = api.as_("ent2").post(f"/api/cases/{number}/rating",
                                     json={"rating": "不满意", "rating_comment": f"第{round_}次仍未解决"})
        assert rated.status == 200
        if round_ == 1:
            assert api.as_("supervisor1").complete(number, "supervise", {"instruction": "请重办"}).status == 200
    assert api.as_("leader1").task_for(number, "leader_instruction") is not None
    client, landing = _login(app, "leader1")
    assert landing == "/tasks" and number in client.get(landing).get_data(as_text=True)
