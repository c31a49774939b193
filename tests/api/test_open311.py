"""Open311 GeoReport v2: services, service definitions and POST Service Request, each in XML and
JSON, through a client written from the specification (tests/open311_client.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.db.models import Case
from app.demo.data import ENTERPRISES
from app.domain.vocab import DOMAINS
from tests.open311_client import GeoReportClient

FORMATS = ("xml", "json")
LANXING = ENTERPRISES[1]   # 中山市榄兴五金制品有限公司, user ent2, phone 13702501002


def create_key(app, name: str = "园区企业服务App") -> str:
    result = app.test_cli_runner().invoke(args=["qisu", "apikey", "create", "--name", name])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()[1]


def case_count(rt) -> int:
    with rt.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Case))


@pytest.fixture
def key(app):
    return create_key(app)


def client(app, fmt, api_key=None) -> GeoReportClient:
    return GeoReportClient(app.test_client(), api_key, fmt)


def report(app, key, fmt="xml", **fields):
    body = {"service_code": "urban", "description": "厂区门口路灯损坏,夜间货车进出不便",
            "address_string": "小榄镇工业大道 8 号", "lat": "22.65", "long": "113.25",
            "first_name": "敏", "last_name": "谢", "phone": "13900001111",
            "attributes": {"credit_code": LANXING["credit_code"]}} | fields
    return client(app, fmt, key).post_request(**body)


# -- GET Service List / GET Service Definition ----------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_domains_in_both_formats(app, fmt):
    answer = client(app, fmt).services()
    assert answer.status == 200
    assert answer.content_type == ("text/xml; charset=utf-8" if fmt == "xml"
                                   else "application/json; charset=utf-8")
    services = answer.data
    assert [s["service_name"] for s in services] == list(DOMAINS)
    codes = [s["service_code"] for s in services]
    assert len(set(codes)) == len(DOMAINS) and all(code.isascii() for code in codes)
    labor = services[0]
    assert labor["service_code"] == "labor" and labor["metadata"] is True
    assert labor["type"] == "realtime" and labor["group"] == "企业诉求"
    assert "社保" in labor["keywords"] and labor["description"]


def test_xml_and_json_say_the_same(app):
    assert client(app, "xml").services().data == client(app, "json").services().data
    assert (client(app, "xml").service_definition("tax").data
            == client(app, "json").service_definition("tax").data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_names_the_attributes(app, fmt):
    answer = client(app, fmt).service_definition("labor")
    assert answer.status == 200
    definition = answer.data
    assert definition["service_code"] == "labor"
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert list(attributes) == ["credit_code", "kind", "town"]
    assert [a["order"] for a in definition["attributes"]] == [1, 2, 3]
    assert all(a["variable"] is True and a["required"] is False for a in attributes.values())
    assert attributes["credit_code"]["datatype"] == "string"
    kind = attributes["kind"]
    assert kind["datatype"] == "singlevaluelist"
    assert {v["key"]: v["name"] for v in kind["values"]}["complaint"] == "投诉"
    towns = {v["name"]: v["key"] for v in attributes["town"]["values"]}
    assert towns["小榄镇"] == "xlz" and "板芙镇" in towns


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_code_is_404_in_the_error_format(app, fmt):
    answer = client(app, fmt).service_definition("potholes")
    assert answer.status == 404
    assert answer.data == [{"code": 404, "description": "service_code: 未知的服务代码 potholes"}]


# -- POST Service Request --------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_post_creates_a_case_through_the_intake(app, api, key, fmt):
    answer = report(app, key, fmt, account_id="u-778", media_url="https://img.example.com/1.jpg")
    assert answer.status == 200, answer.raw
    [created] = answer.data
    number = created["service_request_id"]
    assert number.startswith("QS20261123-")
    assert number in created["service_notice"] and created["account_id"] == "u-778"
    assert "token" not in created

    case = api.as_("agent1").get(f"/api/cases/{number}").json
    assert case["channel"] == "api" and case["domain"] == "城市管理"
    assert case["kind"] == "求助"  # no attribute[kind]: a request for help
    assert case["enterprise"]["credit_code"] == LANXING["credit_code"]
    assert case["town"] == LANXING["town"] and case["contact_name"] == "谢敏"
    assert case["description"] == "厂区门口路灯损坏,夜间货车进出不便"
    assert api.as_("dispatcher1").task_for(number, "dispatch") is not None
    [intake] = api.as_("agent1").get(f"/api/cases/{number}/history").json["events"][:1]
    assert intake["action"] == "intake" and intake["role"] == "api_client"
    assert intake["actor"] == "园区企业服务App"
    assert intake["after"]["address"] == "小榄镇工业大道 8 号"
    assert intake["after"]["lat"] == 22.65 and intake["after"]["account_id"] == "u-778"


def test_attributes_choose_kind_and_town_by_key_or_name(app, api, key):
    by_key = report(app, key, attributes={"credit_code": LANXING["credit_code"],
                                          "kind": "complaint", "town": "bfz"})
    by_name = report(app, key, "json", attributes={"credit_code": LANXING["credit_code"],
                                                   "kind": "建议", "town": "古劳镇"})
    first = api.as_("agent1").get(f"/api/cases/{by_key.data[0]['service_request_id']}").json
    second = api.as_("agent1").get(f"/api/cases/{by_name.data[0]['service_request_id']}").json
    assert (first["kind"], first["town"]) == ("投诉", "板芙镇")
    assert (second["kind"], second["town"]) == ("建议", "古劳镇")


def test_the_registered_phone_identifies_the_enterprise(app, api, key):
    answer = report(app, key, phone="137-0250-1002", attributes={})
    assert answer.status == 200, answer.raw
    case = api.as_("agent1").get(f"/api/cases/{answer.data[0]['service_request_id']}").json
    assert case["enterprise"]["name"] == LANXING["name"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_api_key_missing_unknown_or_revoked_is_403(app, rt, key, fmt):
    assert report(app, None, fmt).data == [{"code": 403, "description": "缺少 api_key"}]
    wrong = report(app, key + "x", fmt)
    assert wrong.status == 403 and wrong.data[0]["description"] == "api_key 无效或已吊销"
    runner = app.test_cli_runner()
    key_id = runner.invoke(args=["qisu", "apikey", "list"]).output.split()[0]
    assert runner.invoke(args=["qisu", "apikey", "revoke", key_id]).exit_code == 0
    assert report(app, key, fmt).status == 403
    assert client(app, fmt, key).requests().status == 403
    assert case_count(rt) == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_code_missing_is_400_and_unknown_is_404(app, rt, key, fmt):
    missing = report(app, key, fmt, service_code=None)
    assert missing.status == 400
    assert missing.data == [{"code": 400, "description": "service_code: 请提供 service_code"}]
    assert report(app, key, fmt, service_code="graffiti").status == 404
    assert case_count(rt) == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_enterprise_is_required_unless_the_phone_identifies_it(app, rt, key, fmt):
    answer = report(app, key, fmt, phone=None, attributes={})
    assert answer.status == 400
    [error] = answer.data
    assert error["code"] == 400 and error["description"].startswith("attribute[credit_code]: ")
    unregistered = report(app, key, fmt, attributes={})
    assert unregistered.data[0]["description"] == "phone: 该电话未登记为企业联系电话"
    bad_code = report(app, key, fmt, attributes={"credit_code": LANXING["credit_code"][:-1] + "0"})
    assert bad_code.data[0]["description"].startswith("attribute[credit_code]: 统一社会信用代码校验位错误")
    assert case_count(rt) == 0


def test_every_wrong_field_gets_its_own_error(app, rt, key):
    answer = report(app, key, "json", lat="91", long="east", media_url="ftp://x",
                    attributes={"credit_code": LANXING["credit_code"], "kind": "抱怨",
                                "town": "火星镇"})
    assert answer.status == 400
    fields = [e["description"].split(":")[0] for e in answer.data]
    assert fields == ["attribute[kind]", "attribute[town]", "media_url", "lat"]
    assert report(app, key, description="   ").data == [
        {"code": 400, "description": "description: 请填写诉求内容"}]
    assert report(app, key, phone="12345").data[0]["description"].startswith("phone: 电话号码格式")
    too_long = report(app, key, description="长" * 4001)
    assert too_long.data[0]["description"] == "description: 诉求内容不能超过 4000 个字符"
    assert case_count(rt) == 0


def test_xml_output_escapes_what_the_client_sent(app, key):
    text = '门口有人写 <script>alert("x")</script> & 乱涂'
    number = report(app, key, description=text).data[0]["service_request_id"]
    answer = client(app, "xml", key).request(number)
    assert answer.data[0]["description"] == text
    assert "<script>" not in answer.raw and "&lt;script&gt;" in answer.raw


def test_the_case_page_shows_what_the_app_sent(app, key):
    from tests.support import logged_in
    number = report(app, key, media_url="https://img.example.com/1.jpg").data[0][
        "service_request_id"]
    page = logged_in(app, "agent1").get(f"/cases/{number}").get_data(as_text=True)
    assert "开放接口" in page and "园区企业服务App" in page
    assert "地址" in page and "小榄镇工业大道 8 号" in page
    assert "图片链接" in page and "https://img.example.com/1.jpg" in page


def test_open311_and_intake_errors_come_in_one_answer(app, rt, key):
    answer = report(app, key, "json", service_code=None, description="", phone="0760-88990011",
                    attributes={"kind": "抱怨"})
    assert answer.status == 400
    assert [e["description"].split(": ")[0] for e in answer.data] == [
        "service_code", "attribute[kind]", "description", "phone"]
    assert answer.data[2:] == [{"code": 400, "description": "description: 请填写诉求内容"},
                               {"code": 400, "description": "phone: 该电话未登记为企业联系电话"}]
    assert case_count(rt) == 0
