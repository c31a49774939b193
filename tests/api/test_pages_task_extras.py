"""Around a task's form: the lead unit requests an extension from the task page (P14), and the
dispatcher reviewing a return sees who returned the case and why (P13)."""
from __future__ import annotations

import re

from tests.support import logged_in


def _task_id(api, user, number, name):
    task = api.as_(user).task_for(number, name)
    assert task is not None, (user, name)
    return task["id"]


def test_the_lead_unit_requests_an_extension_from_its_task_page(api, app):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    unit = logged_in(app, "spec_cgj")
    sign = unit.get(f"/tasks/{_task_id(api, 'spec_cgj', number, 'sign')}").get_data(as_text=True)
    assert 'id="extension"' not in sign                               # only after signing (P14)
    assert api.as_("spec_cgj").complete(number, "sign", {}).status == 200
    tid = _task_id(api, "spec_cgj", number, "contact")
    page = unit.get(f"/tasks/{tid}").get_data(as_text=True)
    assert 'id="extension"' in page and f'action="/cases/{number}/extension"' in page

    missing = unit.post(f"/cases/{number}/extension", follow_redirects=True,
                        data={"csrf_token": unit.csrf, "task_id": tid, "requested_due": "2026-12-09T18:00",
                              "reason": ""}).get_data(as_text=True)
    assert "延期申请未提交：请填写延期理由" in missing
    assert 'value="2026-12-09T18:00"' in missing                     # what was typed comes back
    early = unit.post(f"/cases/{number}/extension", follow_redirects=True,
                      data={"csrf_token": unit.csrf, "task_id": tid, "requested_due": "2026-11-24T18:00",
                            "reason": "需会商"}).get_data(as_text=True)
    assert re.search(r"须晚于当前办结时限 2026-\d\d-\d\d \d\d:\d\d<", early) and ">需会商</textarea>" in early
    assert api.as_("supervisor1").task_for(number, "approve_extension") is None

    done = unit.post(f"/cases/{number}/extension", follow_redirects=True,
                     data={"csrf_token": unit.csrf, "task_id": tid, "requested_due": "2026-12-09T18:00",
                           "reason": "需住建、人社两部门现场会商"}).get_data(as_text=True)
    assert "已提交延期申请，待督办员审批" in done
    pending = done.split('id="extension"')[1]
    assert "延期申请待审批" in pending and "申请延至 2026-12-09 18:00" in pending and "<form" not in pending.split("</section>")[0]
    assert api.as_("supervisor1").task_for(number, "approve_extension") is not None
    events = api.as_("supervisor1").get(f"/api/cases/{number}/history").json["events"]
    requested = next(e for e in events if e["action"] == "extension_requested")
    assert requested["after"]["requested_due"] == "2026-12-09T18:00:00+08:00"


def test_others_are_not_offered_an_extension(api, app):
    number = api.submit()["number"]
    tid = _task_id(api, "dispatcher1", number, "dispatch")
    dispatcher = logged_in(app, "dispatcher1")
    assert 'id="extension"' not in dispatcher.get(f"/tasks/{tid}").get_data(as_text=True)
    assert dispatcher.post(f"/cases/{number}/extension",
                           data={"csrf_token": dispatcher.csrf, "requested_due": "2026-12-09T18:00",
                                 "reason": "x"}).status_code == 403


def test_the_return_review_shows_who_returned_it_and_why(api, app):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    returned = api.as_("spec_cgj").complete(number, "sign", {"sign_action": "退单",
                                                             "return_reason": "该诉求应由住建局办理"})
    assert returned.status == 200, returned
    tid = _task_id(api, "dispatcher1", number, "review_return")
    page = logged_in(app, "dispatcher1").get(f"/tasks/{tid}").get_data(as_text=True)
    section = re.search(r'id="returned">(.*?)</section>', page, re.S).group(1)
    assert "市城市管理和综合执法局" in section and "该诉求应由住建局办理" in section
    assert "城管局专员吴刚" in section and "（建议）" not in page      # the returning unit is no suggestion
