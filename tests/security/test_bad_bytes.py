"""Issue 17 §2: bad bytes and shapes are refused, never 500, and nothing is written.

A control character (NUL and the others; PostgreSQL refuses NUL in text) at any entry point —
API JSON bodies, query strings and paths, page forms and queries, Open311, the CLI import — is
refused with a field error; tab and newline stay allowed in multi-line text. JSON nested deeper
than 64 levels is refused with 400. Authentication comes before validation: anonymous → 401
without field details. Run on SQLite and on PostgreSQL (DATABASE_URL=postgresql+psycopg://…).
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.db.models import ApiKey, Case, RoutingModel
from app.demo.data import ENTERPRISES
from tests.api.test_open311 import client as open311_client
from tests.api.test_open311 import create_key, report
from tests.api.test_pages_intake import intake_form
from tests.routing_data import write_csv
from tests.support import csrf, logged_in

URL_BAD = ["\x00", "\x01", "\x1b", "\x7f", "\x85"]  # C0, ESC, DEL, C1
BAD = [*URL_BAD, "\ud800"]  # and a lone surrogate (only JSON can carry one, as \\ud800)
CONTROL = "不能包含控制字符"
INTAKE = {"kind": "投诉", "description": "厂区门口绿化带影响车辆进出,请求协调移植",
          "credit_code": ENTERPRISES[1]["credit_code"], "domain": "城市管理", "town": ""}


def case_count(rt) -> int:
    with rt.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Case))


def refused(response, field: str, status: int = 422) -> None:
    assert response.status == status, response
    assert response.json["error"]["fields"][field] == [CONTROL], response.json


def post_json(user, url: str, body: dict):
    """POST `body` as ASCII JSON (a lone surrogate travels as its \\ud800 escape)."""
    return user.post(url, data=json.dumps(body), content_type="application/json")


# -- API: JSON bodies, query strings, paths -------------------------------------------------

@pytest.mark.parametrize("char", BAD)
def test_login_username_with_a_control_character(api, char):
    answer = post_json(api.anonymous(), "/api/auth/token",
                       {"username": f"agent1{char}", "password": "qisu-agent1"})
    refused(answer, "username")


@pytest.mark.parametrize("char", BAD)
def test_an_intake_description_with_a_control_character_writes_nothing(api, rt, char):
    body = INTAKE | {"description": f"绿化带{char}影响进出"}
    answer = post_json(api.as_("agent1"), "/api/cases", body)
    refused(answer, "description")
    assert case_count(rt) == 0


def test_tab_and_newline_are_accepted_in_a_description(api, rt):
    body = INTAKE | {"description": "厂区门口绿化带\t影响车辆进出，\r\n请求协调移植"}
    answer = api.as_("agent1").post("/api/cases", json=body)
    assert answer.status == 201, answer
    assert "\t" in answer.json["description"] and case_count(rt) == 1


def test_a_name_field_refuses_what_a_query_refuses_even_tab(api):
    answer = api.as_("agent1").get("/api/enterprises", q="绿\t洲")
    refused(answer, "q")


@pytest.mark.parametrize("char", URL_BAD)
def test_query_strings_and_paths(api, char):
    agent = api.as_("agent1")
    refused(agent.get("/api/enterprises", q=f"蓝{char}"), "q")
    refused(agent.get(f"/api/cases/QS2026{char}1"), "path")
    refused(agent.get("/api/tasks", case_number=f"Q{char}"), "case_number")


def test_a_task_completion_names_the_nested_field_and_leaves_the_task_open(api):
    number = api.submit()["number"]
    task = api.as_("dispatcher1").task_for(number, "dispatch")
    answer = api.as_("dispatcher1").post(f"/api/tasks/{task['id']}/complete",
                                         json={"data": {"unit_code": "cgj",
                                                        "override_reason": "原因\x00"}})
    refused(answer, "data.override_reason")
    assert api.as_("dispatcher1").task_for(number, "dispatch")["id"] == task["id"]


def test_a_key_with_a_control_character_is_named_without_it(api, rt):
    answer = api.as_("agent1").post("/api/cases", json=INTAKE | {"x\x00y": "1"})
    assert answer.status == 422 and answer.json["error"]["fields"] == {"x\ufffdy": [CONTROL]}
    assert case_count(rt) == 0


# -- JSON depth ------------------------------------------------------------------------------

def nested(depth: int) -> str:
    """An intake body whose `description` sits in a document `depth` levels deep."""
    return '{"description": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


@pytest.mark.parametrize("depth", [65, 1000, 100_000])
def test_json_deeper_than_64_levels_is_400(api, rt, depth):
    agent = api.as_("agent1")
    raw = api.client.post("/api/cases", data=nested(depth), content_type="application/json",
                          headers=agent.headers)
    assert raw.status_code == 400, raw.get_json()
    error = raw.get_json()["error"]
    assert error["code"] == "bad_request" and "64" in error["message"]
    assert case_count(rt) == 0


def test_json_of_64_levels_reaches_the_schema(api, rt):
    agent = api.as_("agent1")
    raw = api.client.post("/api/cases", data=nested(64), content_type="application/json",
                          headers=agent.headers)
    assert raw.status_code == 422, raw.get_json()  # a list is not a description: the schema says so
    assert "description" in raw.get_json()["error"]["fields"]
    assert case_count(rt) == 0


@pytest.mark.parametrize("data", [b'{"description": ' + b"1" * 5000 + b"}",
                                  b'{"description": "\xff\xfe"}', b"{"])
def test_json_python_cannot_read_is_400(api, rt, data):
    raw = api.client.post("/api/cases", data=data, content_type="application/json",
                          headers=api.as_("agent1").headers)
    assert raw.status_code == 400, raw.get_json()
    assert raw.get_json()["error"]["fields"] == {"_": ["请求体不是合法的 JSON"]}
    assert case_count(rt) == 0


def test_deep_json_from_an_anonymous_client_is_401(api):
    raw = api.client.post("/api/cases", data=nested(100_000), content_type="application/json")
    assert raw.status_code == 401 and raw.get_json()["error"]["fields"] == {}


# -- authentication before validation ---------------------------------------------------------

def body_endpoints(app) -> list[tuple[str, str]]:
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule == "/api/auth/token":
            continue
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH"}):
            url = rule.rule
            for arg in rule.arguments:
                url = url.replace(f"<{arg}>", "1").replace(f"<int:{arg}>", "1")
            out.append((method, url))
    return out


def test_anonymous_writes_to_every_api_endpoint_are_401_without_fields(app, api, rt):
    endpoints = body_endpoints(app)
    assert len(endpoints) >= 8  # the cases, tasks, deployments, routing … endpoints
    wrong = []
    for method, url in endpoints:
        for body in ({"unexpected": 1}, {"description": "x\x00"}):
            raw = api.client.open(url, method=method, json=body)
            error = (raw.get_json(silent=True) or {}).get("error", {})
            if raw.status_code != 401 or error.get("fields"):
                wrong.append((method, url, raw.status_code, error))
    assert wrong == []
    assert case_count(rt) == 0


def test_anonymous_reads_with_bad_query_are_401(api):
    answer = api.anonymous().get("/api/enterprises", q="\x00")
    assert answer.status == 401 and answer.json["error"]["fields"] == {}


# -- pages ------------------------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\x00", "\x1b"])
def test_the_login_form_refuses_a_control_character(app, char):
    browser = app.test_client()
    page = browser.post("/login", data={"username": f"agent1{char}", "password": "qisu-agent1",
                                        "csrf_token": csrf(browser)},
                        headers={"Accept": "text/html"})
    assert page.status_code == 422
    assert CONTROL in page.get_data(as_text=True) and "username" in page.get_data(as_text=True)


def test_the_error_page_speaks_english_when_chosen(app):
    browser = app.test_client()
    browser.set_cookie("lang", "en")
    page = browser.post("/login", data={"username": "agent1\x00", "password": "x",
                                        "csrf_token": csrf(browser)},
                        headers={"Accept": "text/html"})
    assert page.status_code == 422
    assert "The request must not contain control characters (username)" in page.get_data(as_text=True)


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x7f"])
def test_the_intake_page_refuses_a_control_character_and_writes_nothing(app, rt, char):
    agent = logged_in(app, "agent1")
    page = intake_form(agent, description=f"企业咨询{char}社保缴费基数")
    assert page.status_code == 422 and CONTROL in page.get_data(as_text=True)
    assert case_count(rt) == 0


def test_an_htmx_search_gets_the_json_error(app):
    agent = logged_in(app, "agent1")
    fragment = agent.get("/intake/enterprises", query_string={"q": "蓝\x00"},
                         headers={"HX-Request": "true"})
    assert fragment.status_code == 422
    assert fragment.get_json()["error"]["fields"] == {"q": [CONTROL]}


def test_an_anonymous_page_with_bad_bytes_goes_to_the_login(app):
    page = app.test_client().get("/intake/enterprises", query_string={"q": "\x00"})
    assert page.status_code == 302 and "/login" in page.headers["Location"]


# -- Open311 ----------------------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\x00", "\x1b"])
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_open311_post_refuses_a_control_character(app, rt, fmt, char):
    key = create_key(app)
    answer = report(app, key, fmt, description=f"绿化带{char}影响进出")
    assert answer.status == 400, answer.raw
    assert answer.data == [{"code": 400, "description": f"description: {CONTROL}"}]
    assert case_count(rt) == 0


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_open311_paths_and_queries(app, fmt):
    key = create_key(app)
    geo = open311_client(app, fmt, key)
    answer = geo.request("QS\x00")
    assert answer.status == 400 and answer.data == [{"code": 400, "description": f"path: {CONTROL}"}]
    answer = geo.requests(status="open\x00")
    assert answer.status == 400 and answer.data == [{"code": 400, "description": f"status: {CONTROL}"}]
    answer = open311_client(app, fmt).services(jurisdiction_id="\x00")
    assert answer.status == 400


def test_open311_without_a_key_is_403_before_the_fields(app, rt):
    answer = open311_client(app, "json").post_request(service_code="urban", description="x\x00")
    assert answer.status == 403 and answer.data == [{"code": 403, "description": "缺少 api_key"}]
    assert case_count(rt) == 0


# -- CLI import --------------------------------------------------------------------------------

def test_training_data_with_control_characters_is_refused_with_the_rows(app, rt, tmp_path):
    path = write_csv(tmp_path / "orders.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",", "\x00,", 1)
    lines[4] = "\x1b" + lines[4]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["qisu", "routing", "train", "--csv", str(path)])
    assert result.exit_code == 1
    assert f"第 3、5 行{CONTROL}（共 2 行）" in result.output
    with rt.uow() as uow:
        assert uow.session.scalar(select(RoutingModel)) is None


def test_an_api_key_name_with_a_control_character_is_refused(app, rt):
    result = app.test_cli_runner().invoke(args=["qisu", "apikey", "create", "--name", "App\x00"])
    assert result.exit_code == 1 and CONTROL in result.output
    with rt.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ApiKey)) == 0
