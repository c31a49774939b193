"""Steps of features/p01_open_api.feature: a third-party app submits and follows demands through
Open311 GeoReport v2, with the client written from the specification (tests/open311_client.py)."""
from __future__ import annotations

import pytest
from pytest_bdd import given, then, when

from tests.bdd.common import SEP, current, enterprise, q, step_re
from tests.open311_client import GeoReportClient


@pytest.fixture
def app_keys() -> dict[str, str]:
    """API keys by application name, as the administrator handed them out."""
    return {}


@given(step_re(rf'已为应用 {q("name")} 创建 API 密钥'))
def key_created(app, app_keys, name):
    result = app.test_cli_runner().invoke(args=["qisu", "apikey", "create", "--name", name])
    assert result.exit_code == 0, result.output
    app_keys[name] = result.output.splitlines()[1]


def _service_code(app, service_name: str) -> str:
    """As an app does it: look the service up in GET Service List."""
    services = GeoReportClient(app.test_client(), fmt="json").services().data
    return next(s["service_code"] for s in services if s["service_name"] == service_name)


def _submit(app, api, world, key, fmt, ent, service, kind=None, phone=None):
    attributes = {"credit_code": enterprise(ent)["credit_code"]}
    if kind:
        attributes["kind"] = kind
    answer = GeoReportClient(app.test_client(), key, fmt).post_request(
        service_code=_service_code(app, service), description="厂区门口路灯损坏,夜间货车进出不便",
        address_string="小榄镇工业大道 8 号", phone=phone, attributes=attributes)
    world.response = answer
    if answer.status != 200:
        return None
    number = answer.data[0]["service_request_id"]
    world.numbers.append(number)
    return current(api, number)


SUBMIT = (rf'应用 {q("name")} 以 {q("fmt")} 格式为企业 {q("ent")} 提交一件 {q("service")} 服务请求'
          rf'(?:{SEP}诉求类型为 {q("kind")})?(?:{SEP}联系电话为 {q("phone")})?')


@given(step_re(SUBMIT), target_fixture="case")
@when(step_re(SUBMIT), target_fixture="case")
def app_submits(app, api, world, app_keys, name, fmt, ent, service, kind, phone):
    return _submit(app, api, world, app_keys[name], fmt, ent, service, kind, phone)


@when(step_re(rf'持无效 API 密钥的应用为企业 {q("ent")} 提交一件 {q("service")} 服务请求'))
def invalid_key_submits(app, api, world, ent, service):
    _submit(app, api, world, "qisu_not-a-key", "xml", ent, service)


@then(step_re(rf'应用 {q("name")} 以 {q("fmt")} 格式查询该诉求{SEP}状态为 {q("status")}'
              rf'(?:{SEP}进展说明为 {q("notes")})?'))
def app_follows(app, app_keys, case, name, fmt, status, notes):
    answer = GeoReportClient(app.test_client(), app_keys[name], fmt).request(case["number"])
    assert answer.status == 200, answer.raw
    [request] = answer.data
    assert request["service_request_id"] == case["number"]
    assert request["status"] == status, request
    if notes is not None:
        assert request["status_notes"] == notes, request


@then(step_re(rf'应用 {q("name")} 查询该诉求时得到 (?P<status>\d+)'))
def app_cannot_follow(app, app_keys, case, name, status):
    answer = GeoReportClient(app.test_client(), app_keys[name], "json").request(case["number"])
    assert answer.status == int(status), answer.raw
    assert answer.data[0]["code"] == int(status)


@then(step_re(rf'开放接口拒绝请求{SEP}状态码为 (?P<status>\d+){SEP}错误说明包含 {q("text")}'))
def open_api_refused(world, status, text):
    assert world.response.status == int(status), world.response.raw
    assert any(text in error["description"] for error in world.response.data), world.response.data
