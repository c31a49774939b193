"""Steps of the handling operations: P11 revisit (回访), P13 return (退单), P14 extension (延期),
P15 joint handling (会办). Everything goes through the HTTP API.

A `假如 …已…` step asserts that the operation succeeded; the `当 …` form keeps the response for
the `那么` steps (status code, error fields).
"""
from __future__ import annotations

import re

from pytest_bdd import given, then, when

from app.domain.vocab import CASE_STATUSES
from tests.bdd.common import ROLE, SEP, beijing, complete_own, current, q, step_re

# -- configuration ------------------------------------------------------------------------------

@given(step_re(r'评价期限设置为 (?P<hours>\d+(?:\.\d+)?) 小时'))
def rating_window(rt, request, hours):
    """P11: QISU_RATING_TIMEOUT_HOURS, 72 by default; fractions allowed (0.5)."""
    previous = rt.settings.get("rating_timeout_hours")
    rt.settings["rating_timeout_hours"] = float(hours)
    request.addfinalizer(lambda: rt.settings.__setitem__("rating_timeout_hours", previous))


# -- P13 return ---------------------------------------------------------------------------------

RETURN = (rf'{ROLE}{q("user")} (?P<already>已)?退单'
          rf'(?:{SEP}理由为 {q("reason")}|(?P<no_reason>但未填写理由))')


@given(step_re(RETURN))
@when(step_re(RETURN))
def unit_returns(api, world, case, user, already, reason, no_reason):
    """The unit signs with sign_action 退单 and a reason (sign.schema.json)."""
    data = {"sign_action": "退单"}
    if no_reason is None:
        data["return_reason"] = reason
    world.response = complete_own(api, user, case["number"], "签收", data)
    if already:
        assert world.response.status == 200, world.response


REVIEW = (rf'派单员 {q("user")} (?P<already>已)?(?:(?P<accept>同意退单并改派) {q("unit")}'
          rf'|(?P<reject>驳回退单)(?:{SEP}审核意见为 {q("comment")})?)')


@given(step_re(REVIEW))
@when(step_re(REVIEW))
def dispatcher_reviews(api, world, case, user, already, accept, unit, reject, comment):
    if accept:
        data = {"return_decision": "同意退单", "unit_code": unit}
    else:
        data = {"return_decision": "驳回退单"}
        if comment is not None:
            data["review_comment"] = comment
    world.response = complete_own(api, user, case["number"], "退单审核", data)
    if already:
        assert world.response.status == 200, world.response


@then(step_re(rf'诉求状态为 {q("status")}{SEP}状态名称为中文'))
def status_label_chinese(api, case, status):
    """P17 for every state: the status the enterprise and staff see has a Chinese name."""
    data = current(api, case["number"])
    assert data["status"] == status, data["status"]
    assert re.fullmatch(r"[\u4e00-\u9fff]+", data["status_label"]), \
        f"状态 {status} 的名称应为中文, 实际 {data['status_label']!r} (CASE_STATUSES 中没有该状态: " \
        f"{status not in CASE_STATUSES})"


# -- P14 extension ------------------------------------------------------------------------------

EXTENSION = (rf'{ROLE}{q("user")} (?P<already>已)?申请延期至 {q("due")}'
             rf'(?:{SEP}理由为 {q("reason")}|{SEP}(?P<no_reason>但未说明理由))')


@given(step_re(EXTENSION))
@when(step_re(EXTENSION))
def requests_extension(api, world, case, user, already, due, reason, no_reason):
    """`due` in Beijing time ("2026-12-09 18:00") or verbatim ISO 8601 ("…T18:00:00")."""
    body = {"requested_due": beijing(due)}
    if no_reason is None:
        body["reason"] = reason
    url = f"/api/cases/{case['number']}/extension-requests"
    world.response = api.as_(user).post(url, json=body)
    if already:
        assert world.response.status == 201, world.response


DECISION = (rf'督办员 {q("user")} (?P<already>已)?(?P<decision>批准|驳回)延期'
            rf'(?:{SEP}批准的期限为 {q("approved")})?(?:{SEP}审批意见为 {q("comment")})?')


@given(step_re(DECISION))
@when(step_re(DECISION))
def decides_extension(api, world, case, user, already, decision, approved, comment):
    """`approved`: an earlier time than requested the supervisor grants (Beijing time)."""
    data = {"extension_decision": decision}
    if approved is not None:  # Beijing time, or anything else verbatim (to see it refused)
        data["approved_due"] = beijing(approved) if re.fullmatch(r"[\d-]+ [\d:]+", approved) else approved
    if comment is not None:
        data["extension_comment"] = comment
    world.response = complete_own(api, user, case["number"], "延期审批", data)
    if already:
        assert world.response.status == 200, world.response


# -- P15 joint handling -------------------------------------------------------------------------

CO_OPINION = rf'{ROLE}{q("user")} (?P<already>已)?提出协办意见 {q("opinion")}'


@given(step_re(CO_OPINION))
@when(step_re(CO_OPINION))
def co_unit_contributes(api, world, case, user, already, opinion):
    world.response = complete_own(api, user, case["number"], "协办", {"co_opinion": opinion})
    if already:
        assert world.response.status == 200, world.response


@then(step_re(rf'{ROLE}{q("user")} (?P<negated>可以|不能)查看该诉求'))
def can_view(api, case, user, negated):
    response = api.as_(user).get(f"/api/cases/{case['number']}")
    if negated == "可以":
        assert response.status == 200 and response.json["number"] == case["number"], response
    else:
        assert response.status == 404, response


# `from tests.bdd.steps_handling import *` (in conftest.py) takes the steps, not the helpers.
__all__ = [name for name in dir() if name.startswith("pytestbdd_")]
