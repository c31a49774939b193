"""Deadlines through the API: task deadlines, case clocks, supervision views, extension checks."""
from __future__ import annotations

from app.worker import run_once


def test_tasks_and_cases_show_their_deadlines(api, rt):
    number = api.submit(enterprise=4)["number"]
    api.dispatch(number, "cgj")
    task = api.as_("spec_cgj").task_for(number, "sign")
    assert task["deadline_clock"] == "response"
    assert task["due_at"] == "2026-11-23T11:00:00+08:00" and task["seconds_left"] == 3600
    assert task["overdue"] is False
    clocks = {c["clock"]: c for c in api.as_("supervisor1").get(f"/api/cases/{number}").json["clocks"]}
    assert clocks["resolution"]["due_at"] == "2026-12-02T10:00:00+08:00"  # 7 working days
    assert clocks["resolution"]["calendar"] == "working" and clocks["response"]["outcome"] == "running"

    rt.clock.advance(minutes=61)
    run_once(rt)
    task = api.as_("spec_cgj").task_for(number, "sign")
    assert task["overdue"] is True and task["seconds_left"] == -60
    case = api.as_("supervisor1").get(f"/api/cases/{number}").json
    assert case["overdue"] is True
    assert {c["clock"]: c["outcome"] for c in case["clocks"]}["response"] == "violated"


def test_supervision_views_are_for_supervisors(api, rt):
    number = api.submit(enterprise=4)["number"]
    api.dispatch(number, "cgj")
    for path in ("overdue", "due-soon", "dissatisfied", "watch"):
        assert api.as_("supervisor1").get(f"/api/supervision/{path}").status == 200
        assert api.as_("spec_cgj").get(f"/api/supervision/{path}").status == 403
        assert api.as_("ent2").get(f"/api/supervision/{path}").status == 403
    assert api.as_("supervisor1").get("/api/supervision/overdue").json == []
    rt.clock.advance(minutes=50)
    soon = api.as_("supervisor1").get("/api/supervision/due-soon", hours=1).json
    assert [row["number"] for row in soon] == [number]
    assert api.as_("supervisor1").get("/api/supervision/due-soon", hours=500).status == 422


def test_sort_by_deadline(api):
    first = api.submit(enterprise=4)["number"]
    second = api.submit(enterprise=5, matter_class="urgent")["number"]
    api.dispatch(first, "cgj")
    api.dispatch(second, "cgj")
    spec = api.as_("spec_cgj")
    by_deadline = [t["case"]["number"] for t in spec.tasks(sort="due_at") if t["name"] == "sign"]
    assert by_deadline.index(second) < by_deadline.index(first)  # urgent: 30-minute response


def test_extension_requests_are_checked(api, rt):
    number = api.submit(enterprise=4)["number"]               # resolution due 12-02 10:00
    api.dispatch(number, "cgj")
    spec = api.as_("spec_cgj")
    url = f"/api/cases/{number}/extension-requests"
    unsigned = spec.post(url, json={"reason": "需协调", "requested_due": "2026-12-09T10:00:00+08:00"})
    assert unsigned.status == 409  # only after signing
    assert spec.complete(number, "sign", {}).status == 200
    too_late = spec.post(url, json={"reason": "需协调", "requested_due": "2026-12-20T10:00:00+08:00"})
    assert too_late.status == 422 and "2026-12-11 10:00" in too_late.json["error"]["fields"]["requested_due"][0]
    earlier = spec.post(url, json={"reason": "需协调", "requested_due": "2026-11-30T10:00:00+08:00"})
    assert earlier.status == 422 and "requested_due" in earlier.json["error"]["fields"]
    naive = spec.post(url, json={"reason": "需协调", "requested_due": "2026-12-09T10:00:00"})
    assert naive.status == 422
    assert api.as_("spec_rsj").post(url, json={"reason": "x", "requested_due": "2026-12-20T10:00:00+08:00"}).status == 404
    assert api.as_("supervisor1").post(url, json={"reason": "x", "requested_due": "2026-12-20T10:00:00+08:00"}).status == 403
    ok = spec.post(url, json={"reason": "需三个部门会商", "requested_due": "2026-12-09T10:00:00+08:00"})
    assert ok.status == 201
    assert api.as_("supervisor1").task_for(number, "approve_extension") is not None
    again = spec.post(url, json={"reason": "再次", "requested_due": "2026-12-10T10:00:00+08:00"})
    assert again.status == 409  # one request at a time


def test_a_dissatisfied_case_on_the_supervision_page_leads_to_the_supervisors_task(api, app):
    from tests.support import logged_in
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    api.unit_handles(number)
    api.rate(number, "不满意")
    row = next(r for r in api.as_("supervisor1").get("/api/supervision/dissatisfied").json if r["number"] == number)
    task = api.as_("supervisor1").task_for(number, "supervise")
    assert row["supervisor_task"] == task["id"]
    page = logged_in(app, "supervisor1").get("/supervision").get_data(as_text=True)
    assert f'<a class="button small" href="/tasks/{task["id"]}">办理</a>' in page
