"""Open311 GeoReport v2: GET Service Requests with its filters, GET Service Request, the api_key
commands, and the resource errors, through the client written from the specification."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from app.db.models import ApiKey
from tests.api.test_open311 import FORMATS, LANXING, client, create_key, report


@pytest.fixture
def key(app):
    return create_key(app)


def close_loop(api, number: str) -> None:
    """The dual closed loop for a case the app submitted: dispatch, handle, the enterprise rates."""
    assert api.dispatch(number, "cgj").status == 200
    api.unit_handles(number, "spec_cgj")
    assert api.rate(number, "满意", "ent2").status == 200


def numbers(answer) -> list[str]:
    assert answer.status == 200, answer.raw
    return [r["service_request_id"] for r in answer.data]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_in_the_specifications_shape(app, api, key, fmt):
    number = report(app, key, fmt, media_url="https://img.example.com/1.jpg").data[0][
        "service_request_id"]
    [request] = client(app, fmt, key).request(number).data
    assert list(request) == [
        "service_request_id", "status", "status_notes", "service_name", "service_code",
        "description", "agency_responsible", "service_notice", "requested_datetime",
        "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
        "long", "media_url"]
    assert request["status"] == "open" and request["status_notes"] == "待派单:派单"
    assert (request["service_code"], request["service_name"]) == ("urban", "城市管理")
    assert request["agency_responsible"] is None and request["expected_datetime"] is None
    assert request["requested_datetime"] == "2026-11-23T10:00:00+08:00"
    assert request["address"] == "小榄镇工业大道 8 号"
    assert (request["lat"], request["long"]) == (22.65, 113.25)
    assert request["media_url"] == "https://img.example.com/1.jpg"


def test_a_closed_request_carries_the_reply_unit_and_deadline(app, api, rt, key):
    number = report(app, key).data[0]["service_request_id"]
    assert api.dispatch(number, "cgj").status == 200
    [handling] = client(app, "json", key).request(number).data
    assert handling["agency_responsible"] == "市城市管理和综合执法局"
    assert handling["expected_datetime"] > handling["requested_datetime"]
    rt.clock.advance(hours=3)
    api.unit_handles(number, "spec_cgj")
    assert api.rate(number, "满意", "ent2").status == 200
    [closed] = client(app, "xml", key).request(number).data
    assert closed["status"] == "closed" and closed["status_notes"] == "已协调解决"
    assert closed["updated_datetime"] == "2026-11-23T13:00:00+08:00"
    assert closed["expected_datetime"] == handling["expected_datetime"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_filters_status_service_code_and_ids(app, api, key, fmt):
    urban = report(app, key).data[0]["service_request_id"]
    tax = report(app, key, service_code="tax").data[0]["service_request_id"]
    closed = report(app, key).data[0]["service_request_id"]
    close_loop(api, closed)
    app_client = client(app, fmt, key)
    assert numbers(app_client.requests()) == [closed, tax, urban]  # newest first
    assert numbers(app_client.requests(status="open")) == [tax, urban]
    assert numbers(app_client.requests(status="closed")) == [closed]
    assert numbers(app_client.requests(status="open,closed")) == [closed, tax, urban]
    assert numbers(app_client.requests(service_code="tax")) == [tax]
    assert numbers(app_client.requests(service_code="tax,urban", status="open")) == [tax, urban]
    # service_request_id overrides every other argument
    assert numbers(app_client.requests(service_request_id=f"{urban}, {closed}",
                                       status="open")) == [closed, urban]


def test_dates_default_to_the_last_90_days(app, rt, key):
    old = report(app, key).data[0]["service_request_id"]
    rt.clock.advance(days=100)
    new = report(app, key).data[0]["service_request_id"]
    app_client = client(app, "json", key)
    assert numbers(app_client.requests()) == [new]
    assert numbers(app_client.requests(start_date="2026-11-01T00:00:00Z",
                                       end_date="2026-11-30T00:00:00Z")) == [old]
    assert numbers(app_client.requests(start_date="2026-11-23T10:00:00+08:00")) == [old]
    assert numbers(app_client.requests(end_date="2026-11-23T09:59:59+08:00")) == []
    assert numbers(app_client.requests(service_request_id=old)) == [old]


@pytest.mark.parametrize("params, field", [
    ({"start_date": "yesterday"}, "start_date"),
    ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-12-01T00:00:00Z"}, "end_date"),
    ({"start_date": "2026-11-02T00:00:00Z", "end_date": "2026-11-01T00:00:00Z"}, "end_date"),
    ({"status": "pending"}, "status"),
    ({"service_code": "urban,graffiti"}, "service_code"),
])
def test_wrong_filters_are_400(app, key, params, field):
    answer = client(app, "xml", key).requests(**params)
    assert answer.status == 400
    assert answer.data[0]["code"] == 400 and answer.data[0]["description"].startswith(field)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_app_sees_only_its_own_requests(app, key, fmt):
    mine = report(app, key).data[0]["service_request_id"]
    other_key = create_key(app, "市政务服务门户")
    theirs = report(app, other_key).data[0]["service_request_id"]
    assert numbers(client(app, fmt, key).requests()) == [mine]
    assert numbers(client(app, fmt, other_key).requests()) == [theirs]
    hidden = client(app, fmt, key).request(theirs)
    assert hidden.status == 404 and hidden.data[0]["code"] == 404
    assert client(app, fmt, key).request("QS20990101-000001").status == 404
    assert client(app, fmt).requests().status == 403      # no api_key: requests are not public
    assert client(app, fmt).request(mine).status == 403


def test_a_new_key_for_the_same_app_keeps_its_requests(app, key):
    number = report(app, key).data[0]["service_request_id"]
    rotated = create_key(app)
    assert numbers(client(app, "json", rotated).requests()) == [number]


def test_keys_are_stored_as_hashes_and_listed(app, rt, key):
    with rt.uow() as uow:
        [row] = uow.session.scalars(select(ApiKey))
        assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert row.name == "园区企业服务App" and row.last_used_at is None
        key_id = row.id
    client(app, "xml", key).requests()
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["qisu", "apikey", "list"]).output
    assert "园区企业服务App" in listed and "last used 2026-11-23T10:00:00+08:00" in listed
    assert key not in listed and "active" in listed
    assert runner.invoke(args=["qisu", "apikey", "revoke", str(key_id)]).exit_code == 0
    assert "revoked 2026-11-23T10:00:00+08:00" in runner.invoke(args=["qisu", "apikey",
                                                                      "list"]).output
    unknown = runner.invoke(args=["qisu", "apikey", "revoke", "999999"])
    assert unknown.exit_code != 0 and "未找到该 API 密钥" in unknown.output
    assert runner.invoke(args=["qisu", "apikey", "create", "--name", " "]).exit_code != 0


def test_an_app_user_cannot_log_in(app, api, key):
    listed = app.test_cli_runner().invoke(args=["qisu", "apikey", "list"]).output
    username = listed.split("user ")[1].split()[0]
    response = api.anonymous().post("/api/auth/token", json={"username": username, "password": "!"})
    assert response.status == 401


def test_jurisdiction_id_is_checked_only_when_configured(app, key, monkeypatch):
    assert client(app, "json").services(jurisdiction_id="anything.gov").status == 200
    monkeypatch.setitem(app.config, "QISU_OPEN311_JURISDICTION", "12345.zs.gov.cn")
    assert client(app, "json").services(jurisdiction_id="12345.zs.gov.cn").status == 200
    assert client(app, "json").services().status == 200
    wrong = client(app, "json").services(jurisdiction_id="sfgov.org")
    assert wrong.status == 404 and wrong.data[0]["description"].startswith("jurisdiction_id")
    assert report(app, key, jurisdiction_id="sfgov.org").status == 404


def test_other_urls_and_methods_answer_in_the_error_format(app):
    http = app.test_client()
    unsupported = http.get("/open311/v2/services.csv")
    assert unsupported.status_code == 400 and unsupported.content_type.startswith("text/xml")
    assert b"<errors><error><code>400</code>" in unsupported.data
    missing = http.get("/open311/v2/tokens/123.json")
    assert missing.status_code == 404 and missing.get_json() == [
        {"code": 404, "description": "未找到该资源"}]
    assert http.post("/open311/v2/services.json").status_code == 405
    assert http.delete("/open311/v2/requests.xml").status_code == 405
    # a form without the CSRF token of the pages: the app's api_key is its authentication
    assert http.post("/open311/v2/requests.json", data={}).get_json()[0]["code"] == 403
