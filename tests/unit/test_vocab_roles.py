import pytest

from app.domain import errors
from app.domain.roles import LANE_ROLES, ROLES, role_for_lane
from app.domain.vocab import (
    CASE_STATUSES, CHANNELS, DOMAINS, KINDS, RATINGS, SATISFIED_STRICT,
    is_dissatisfied, is_satisfied, label,
)


def test_kinds_and_channels():
    assert KINDS == ("咨询", "求助", "投诉", "建议", "表扬")
    assert CHANNELS["api"] == ("开放接口", "Open API")
    assert set(CHANNELS) == {"phone", "web", "app", "api"}


def test_rating_classification():
    assert RATINGS == ("非常满意", "满意", "基本满意", "不满意", "非常不满意")
    assert [is_satisfied(r) for r in RATINGS] == [True, True, True, False, False]
    assert [is_dissatisfied(r) for r in RATINGS] == [False, False, False, True, True]
    assert not is_satisfied(None) and not is_dissatisfied(None)
    assert not is_satisfied("满") and not is_dissatisfied("")
    assert SATISFIED_STRICT == ("非常满意", "满意")


def test_domains_unique():
    assert len(DOMAINS) == 13 == len(set(DOMAINS))
    assert "水电气" in DOMAINS and "劳动和社会保障" in DOMAINS


def test_case_statuses():
    assert CASE_STATUSES["dispatching"][0] == "待派单"
    assert CASE_STATUSES["escalated"][0] == "领导批示中"
    assert CASE_STATUSES["direct_replied"][0] == "已直接答复"
    assert CASE_STATUSES["revisiting"][0] == "回访中"


def test_every_case_status_in_the_processes_has_a_label():
    import re
    from pathlib import Path
    used = set()
    for bpmn in (Path(__file__).resolve().parents[2] / "workflows").glob("*.bpmn"):
        used |= set(re.findall(r'name="caseStatus" value="([^"]+)"', bpmn.read_text(encoding="utf-8")))
    assert used and used <= set(CASE_STATUSES)
    assert label(CASE_STATUSES, "closed") == "已结案"
    assert label(CASE_STATUSES, "closed", "en") == "Closed"
    assert label(CASE_STATUSES, "nope") == "nope"


@pytest.mark.parametrize("lane, role", [
    ("企业专席话务员", "agent"),
    ("派单员", "dispatcher"),
    ("承办单位", "unit"),
    ("企业", "enterprise"),
    ("督办员", "supervisor"),
    ("领导", "leader"),
    (" 派单员 ", "dispatcher"),
    ("agent", "agent"),
    ("admin", "admin"),
    ("unit", "unit"),
    ("财务部", None),
    ("", None),
    (None, None),
])
def test_role_for_lane(lane, role):
    assert role_for_lane(lane) == role


def test_lane_roles_are_roles():
    assert set(LANE_ROLES.values()) <= set(ROLES)
    assert ROLES["unit"][0] == "承办单位业务专员"
    assert len(ROLES) == 10


@pytest.mark.parametrize("cls, status, code", [
    (errors.ValidationFailed, 422, "validation_failed"),
    (errors.BadRequest, 400, "bad_request"),
    (errors.NotFound, 404, "not_found"),
    (errors.Forbidden, 403, "forbidden"),
    (errors.Unauthorized, 401, "unauthorized"),
    (errors.Conflict, 409, "conflict"),
])
def test_errors(cls, status, code):
    e = cls()
    assert isinstance(e, errors.DomainError)
    assert e.status == status and e.code == code
    assert e.message and e.fields == {}
    assert str(e) == e.message
    e = cls("自定义消息", {"phone": ["格式不正确"], "name": "不能为空"})
    assert e.message == "自定义消息"
    assert e.fields == {"phone": ["格式不正确"], "name": ["不能为空"]}
    assert e.to_dict() == {"code": code, "message": "自定义消息", "fields": e.fields}
