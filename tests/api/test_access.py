"""Who sees what: units see only their own work (404 otherwise); enterprises only their cases."""
from __future__ import annotations


def test_a_specialist_cannot_see_or_act_on_another_units_task(api):
    number = api.submit()["number"]
    api.dispatch(number, "rsj")
    task = api.as_("spec_rsj").task_for(number, "sign")
    assert task is not None
    other = api.as_("spec_zjj")
    assert other.task_for(number) is None
    assert other.get(f"/api/tasks/{task['id']}").status == 404
    assert other.post(f"/api/tasks/{task['id']}/claim").status == 404
    assert other.post(f"/api/tasks/{task['id']}/complete", json={"data": {}}).status == 404
    assert other.get(f"/api/cases/{number}").status == 404
    assert other.get(f"/api/cases/{number}/history").status == 404
    assert api.as_("spec_rsj").get(f"/api/cases/{number}").status == 200


def test_an_enterprise_sees_only_its_own_cases(api):
    mine = api.submit(enterprise=1)["number"]
    theirs = api.submit(enterprise=2)["number"]
    ent2 = api.as_("ent2")
    numbers = [c["number"] for c in ent2.get("/api/cases").json["items"]]
    assert mine in numbers and theirs not in numbers
    assert ent2.get(f"/api/cases/{theirs}").status == 404
    assert ent2.get(f"/api/cases/{theirs}/history").status == 404
    # P17: no staff trail of its own case either, and the same answer (nothing revealed)
    assert ent2.get(f"/api/cases/{mine}/history").json == ent2.get(f"/api/cases/{theirs}/history").json
    assert api.as_("ent3").get(f"/api/cases/{theirs}").status == 200


def test_role_queues_are_separate(api):
    number = api.submit()["number"]
    assert api.as_("dispatcher1").task_for(number, "dispatch") is not None
    for user in ("agent1", "supervisor1", "leader1", "spec_cgj", "ent2"):
        assert api.as_(user).task_for(number, "dispatch") is None, user


def test_task_form_schema_is_served_with_the_task(api):
    number = api.submit()["number"]
    task = api.as_("dispatcher1").task_for(number, "dispatch")
    detail = api.as_("dispatcher1").get(f"/api/tasks/{task['id']}").json
    assert detail["form"] == "dispatch.schema.json"
    assert "unit_code" in detail["form_schema"]["properties"]


def test_red_list_cases_come_first_in_task_lists(api):
    from app.demo.data import ENTERPRISES
    plain = next(i for i, e in enumerate(ENTERPRISES) if not e["red_list"])
    red = next(i for i, e in enumerate(ENTERPRISES) if e["red_list"])
    first = api.submit(enterprise=plain)["number"]
    second = api.submit(enterprise=red)["number"]
    numbers = [t["case"]["number"] for t in api.as_("dispatcher1").tasks(name="dispatch")]
    assert numbers.index(second) < numbers.index(first)


def test_task_list_paginates_and_sorts(api):
    numbers = [api.submit()["number"] for _ in range(3)]
    dispatcher = api.as_("dispatcher1")
    page1 = dispatcher.get("/api/tasks", per_page=2, page=1).json
    page2 = dispatcher.get("/api/tasks", per_page=2, page=2).json
    assert page1["total"] == 3 and len(page1["items"]) == 2 and len(page2["items"]) == 1
    newest_first = [t["case"]["number"] for t in dispatcher.tasks(sort="-created_at")]
    assert set(newest_first) == set(numbers)
    mine = dispatcher.tasks(scope="mine")
    assert mine == []
