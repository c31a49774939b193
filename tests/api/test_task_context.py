"""A task carries what its doer needs to decide (`context` of GET /api/tasks/{id}): the rounds before
it (P10), the return under review (P13), the co-units' opinions (P15), the extension asked (P14)."""
from __future__ import annotations

from tests.support import CONTACT, logged_in


def _handle(api, number: str, solution: str, reply: str, specialist: str = "spec_cgj") -> None:
    user = api.as_(specialist)
    for name, data in (("sign", {}), ("contact", CONTACT), ("propose", {"solution": solution}),
                       ("reply", {"result": "部分解决", "reply_text": reply})):
        assert user.complete(number, name, data).status == 200


def _rate(api, number: str, rating: str, comment: str):
    response = api.as_("ent2").post(f"/api/cases/{number}/rating",
                                    json={"rating": rating, "rating_comment": comment})
    assert response.status == 200, response
    return response


def _page(app, username: str, task_id: str) -> str:
    return logged_in(app, username).get(f"/tasks/{task_id}").get_data(as_text=True)


def _context(user, number: str, name: str) -> dict:
    task = user.task_for(number, name)
    assert task is not None, name
    assert "context" not in task                        # lists stay light: the context is per task
    response = user.get(f"/api/tasks/{task['id']}")
    assert response.status == 200, response
    return response.json["context"]


def test_each_round_sees_the_rounds_before_it(api):
    number = api.submit()["number"]
    assert api.dispatch(number, "cgj").status == 200
    unit = api.as_("spec_cgj")
    first = _context(unit, number, "sign")
    assert first["round"] == 1 and first["previous_rounds"] == []

    _handle(api, number, "协调园林部门评估移植", "已联系园林部门，下周评估")
    _rate(api, number, "不满意", "只说评估，绿化带还在")
    supervisor = api.as_("supervisor1")
    supervise = _context(supervisor, number, "supervise")
    assert supervise["round"] == 2
    [rated] = supervise["previous_rounds"]
    assert rated["rating"] == "不满意" and rated["rating_comment"] == "只说评估，绿化带还在"
    assert rated["reply"]["result"] == "部分解决" and rated["reply"]["text"] == "已联系园林部门，下周评估"
    assert rated["instruction"] is None
    supervise_id = supervisor.task_for(number, "supervise")["id"]
    for outsider in ("ent2", "spec_cgj", "dispatcher1"):           # staff work stays with its doer
        assert api.as_(outsider).get(f"/api/tasks/{supervise_id}").status == 404
    assert supervisor.complete(number, "supervise", {"instruction": "三日内移植并回复企业",
                                                     "revisit_note": "企业要求尽快移走"}).status == 200

    second = _context(unit, number, "sign")
    assert second["round"] == 2
    [r1] = second["previous_rounds"]
    assert r1 == r1 | {"round": 1, "rating": "不满意", "rating_comment": "只说评估，绿化带还在",
                       "solution": "协调园林部门评估移植", "instruction": "三日内移植并回复企业",
                       "revisit_note": "企业要求尽快移走", "leader_instruction": None,
                       "rated_by": "enterprise"}
    assert r1["reply"]["text"] == "已联系园林部门，下周评估"

    _handle(api, number, "园林部门周三移植", "已排期周三移植")
    enterprise_rates = _context(api.as_("ent2"), number, "rate")
    assert enterprise_rates["round"] == 2
    assert enterprise_rates["previous_rounds"][0]["rating_comment"] == "只说评估，绿化带还在"
    assert enterprise_rates["previous_rounds"][0]["instruction"] is None      # staff-internal
    assert enterprise_rates["previous_rounds"][0]["revisit_note"] is None
    assert "三日内移植" not in str(enterprise_rates) and "企业要求尽快移走" not in str(enterprise_rates)
    assert enterprise_rates["returned"] is None and enterprise_rates["overdue_instructions"] == []
    _rate(api, number, "非常不满意", "周三没有人来")
    leader = _context(api.as_("leader1"), number, "leader_instruction")
    assert leader["round"] == 3
    assert [r["rating_comment"] for r in leader["previous_rounds"]] == ["只说评估，绿化带还在", "周三没有人来"]
    assert leader["previous_rounds"][0]["instruction"] == "三日内移植并回复企业"
    assert leader["previous_rounds"][1]["reply"]["text"] == "已排期周三移植"
    assert api.as_("leader1").complete(number, "leader_instruction",
                                       {"leader_instruction": "分管领导牵头，本周内解决"}).status == 200

    third = _context(unit, number, "sign")
    assert third["round"] == 3
    r1, r2 = third["previous_rounds"]
    assert r1["instruction"] == "三日内移植并回复企业" and r1["leader_instruction"] is None
    assert r2 == r2 | {"round": 2, "rating": "非常不满意", "rating_comment": "周三没有人来",
                       "solution": "园林部门周三移植", "instruction": None,
                       "leader_instruction": "分管领导牵头，本周内解决"}
    assert r2["reply"]["text"] == "已排期周三移植"


def test_a_done_task_reads_as_it_stood(api):
    number = api.submit()["number"]
    assert api.dispatch(number, "cgj").status == 200
    unit = api.as_("spec_cgj")
    sign_id = unit.task_for(number, "sign")["id"]
    _handle(api, number, "方案一", "答复一")
    _rate(api, number, "不满意", "没解决")
    supervisor = api.as_("supervisor1")
    supervise_id = supervisor.task_for(number, "supervise")["id"]
    assert supervisor.complete(number, "supervise", {"instruction": "重办"}).status == 200
    done = unit.get(f"/api/tasks/{sign_id}").json
    assert done["status"] == "completed"
    assert done["context"]["round"] == 1 and done["context"]["previous_rounds"] == []
    supervised = supervisor.get(f"/api/tasks/{supervise_id}").json["context"]
    assert supervised["round"] == 2 and supervised["previous_rounds"][0]["rating_comment"] == "没解决"
    assert _context(unit, number, "sign")["previous_rounds"][0]["instruction"] == "重办"


def test_return_review_shows_who_returned_when_and_why(api, app):
    number = api.submit()["number"]
    assert api.dispatch(number, "cgj").status == 200
    assert api.as_("spec_cgj").complete(number, "sign", {"sign_action": "退单",
                                                         "return_reason": "绿化归园林部门管理"}).status == 200
    returned = _context(api.as_("dispatcher1"), number, "review_return")["returned"]
    assert returned == returned | {"unit_code": "cgj", "unit_name": "市城市管理和综合执法局",
                                   "by": "城管局专员吴刚", "reason": "绿化归园林部门管理", "review": None}
    assert returned["at"].startswith("2026-11-23T10:00")
    page = logged_in(app, "dispatcher1").get(
        f"/tasks/{api.as_('dispatcher1').task_for(number, 'review_return')['id']}").get_data(as_text=True)
    assert 'id="returned"' in page and "绿化归园林部门管理" in page and "城管局专员吴刚" in page

    assert api.as_("dispatcher1").complete(number, "review_return", {
        "return_decision": "同意退单", "unit_code": "zjj", "review_comment": "改派住建局"}).status == 200
    new_unit = _context(api.as_("spec_zjj"), number, "sign")["returned"]
    assert new_unit["reason"] == "绿化归园林部门管理"
    assert new_unit["review"] == new_unit["review"] | {"decision": "同意退单", "comment": "改派住建局",
                                                       "unit_code": "zjj"}


def test_reply_shows_each_co_units_opinion(api, app):
    number = api.submit()["number"]
    assert api.as_("dispatcher1").complete(number, "dispatch", {
        "unit_code": "cgj", "override_reason": "派单员判断", "co_units": ["rsj", "zjj"]}).status == 200
    lead = api.as_("spec_cgj")
    for name, data in (("sign", {}), ("contact", CONTACT), ("propose", {"solution": "城管牵头"})):
        assert lead.complete(number, name, data).status == 200
    assert api.as_("spec_rsj").complete(number, "co_handle", {"co_opinion": "社保缴费正常"}).status == 200
    assert api.as_("spec_zjj").complete(number, "co_handle", {"co_opinion": "道路改造已列入计划"}).status == 200
    opinions = _context(lead, number, "reply")["co_opinions"]
    assert sorted((o["unit_code"], o["status"], o["opinion"]) for o in opinions) == [
        ("rsj", "submitted", "社保缴费正常"), ("zjj", "submitted", "道路改造已列入计划")]
    assert {o["unit_name"] for o in opinions} == {"市人力资源和社会保障局", "市住房和城乡建设局"}
    page = _page(app, "spec_cgj", lead.task_for(number, "reply")["id"])
    assert 'id="co-opinions"' in page and "社保缴费正常" in page and "道路改造已列入计划" in page


def test_extension_approval_shows_deadline_request_reason_and_earlier_ones(api, app):
    number = api.submit()["number"]
    assert api.dispatch(number, "cgj").status == 200
    unit, supervisor = api.as_("spec_cgj"), api.as_("supervisor1")
    for name, data in (("sign", {}), ("contact", CONTACT)):
        assert unit.complete(number, name, data).status == 200

    def ask(due: str, reason: str) -> None:
        response = unit.post(f"/api/cases/{number}/extension-requests",
                             json={"reason": reason, "requested_due": due})
        assert response.status == 201, response

    ask("2026-12-08T18:00:00+08:00", "等待园林部门评估")
    assert supervisor.complete(number, "approve_extension", {
        "extension_decision": "驳回", "extension_comment": "评估不需要一周"}).status == 200
    ask("2026-12-04T18:00:00+08:00", "移植需要两天")
    assert supervisor.complete(number, "approve_extension", {"extension_decision": "批准"}).status == 200
    ask("2026-12-07T18:00:00+08:00", "雨天无法施工")
    extension = _context(supervisor, number, "approve_extension")["extension"]
    assert extension == extension | {"due_at": "2026-12-04T18:00:00+08:00",
                                     "requested_due": "2026-12-07T18:00:00+08:00",
                                     "reason": "雨天无法施工", "requested_by": "城管局专员吴刚"}
    refused, approved = extension["earlier"]
    assert refused == refused | {"requested_due": "2026-12-08T18:00:00+08:00", "reason": "等待园林部门评估",
                                 "decision": "驳回", "comment": "评估不需要一周", "granted_due": None,
                                 "due_at": "2026-12-02T10:00:00+08:00"}
    assert approved == approved | {"requested_due": "2026-12-04T18:00:00+08:00", "decision": "批准",
                                   "granted_due": "2026-12-04T18:00:00+08:00"}
    page = logged_in(app, "supervisor1").get(
        f"/tasks/{supervisor.task_for(number, 'approve_extension')['id']}").get_data(as_text=True)
    assert 'id="extension-request"' in page
    for text in ("雨天无法施工", "2026-12-07 18:00", "2026-12-04 18:00", "评估不需要一周", "等待园林部门评估"):
        assert text in page, text


def _statements(app, call) -> int:
    """How many SQL statements `call` runs."""
    from sqlalchemy import event
    engine = app.extensions["qisu"].session_factory.kw["bind"]
    seen = []

    def count(*_args):
        seen.append(1)
    event.listen(engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_the_context_costs_the_same_whatever_the_trail(api, app):
    """A bounded number of queries per task, not one per event or round."""
    unit = api.as_("spec_cgj")
    fresh = api.submit()["number"]
    assert api.dispatch(fresh, "cgj").status == 200
    number = api.submit()["number"]
    assert api.dispatch(number, "cgj").status == 200
    for round_no in (1, 2):
        _handle(api, number, f"方案{round_no}", f"答复{round_no}")
        _rate(api, number, "不满意", f"理由{round_no}")
        task = "supervise" if round_no == 1 else "leader_instruction"
        user = "supervisor1" if round_no == 1 else "leader1"
        field = "instruction" if round_no == 1 else "leader_instruction"
        assert api.as_(user).complete(number, task, {field: "重办"}).status == 200
    first_id, third_id = unit.task_for(fresh, "sign")["id"], unit.task_for(number, "sign")["id"]
    unit.get(f"/api/tasks/{first_id}")                     # warm the token and spec caches
    first = _statements(app, lambda: unit.get(f"/api/tasks/{first_id}"))
    third = _statements(app, lambda: unit.get(f"/api/tasks/{third_id}"))
    assert len(unit.get(f"/api/tasks/{third_id}").json["context"]["previous_rounds"]) == 2
    assert third == first


def test_overdue_supervision_shows_the_clock_and_the_unit_sees_the_instruction(api, app, rt):
    from datetime import timedelta

    from app.worker import run_once
    number = api.submit()["number"]
    assert api.dispatch(number, "cgj").status == 200
    unit = api.as_("spec_cgj")
    for name, data in (("sign", {}), ("contact", CONTACT), ("propose", {"solution": "城管牵头"})):
        assert unit.complete(number, name, data).status == 200
    rt.clock.advance(seconds=timedelta(days=9, minutes=1).total_seconds())   # past 2026-12-02 10:00
    run_once(rt)
    supervisor = api.as_("supervisor1")
    overdue = _context(supervisor, number, "supervise_overdue_resolution")["overdue"]
    assert overdue == overdue | {"clock": "resolution", "due_at": "2026-12-02T10:00:00+08:00"}
    assert supervisor.complete(number, "supervise_overdue_resolution",
                               {"instruction": "请今日 17 时前答复企业"}).status == 200
    [urged] = _context(unit, number, "reply")["overdue_instructions"]
    assert urged == urged | {"clock": "resolution", "instruction": "请今日 17 时前答复企业"}
    page = _page(app, "spec_cgj", unit.task_for(number, "reply")["id"])
    assert 'id="overdue-instructions"' in page and "请今日 17 时前答复企业" in page
