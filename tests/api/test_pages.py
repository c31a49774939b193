"""The minimal pages: log in, see my task list, open a case (escaped output)."""
from __future__ import annotations

from tests.support import csrf


def login(client, username, password=None):
    return client.post("/login", data={"username": username, "password": password or f"qisu-{username}",
                                       "csrf_token": csrf(client)})


def test_login_then_task_list_and_case_page(app, api):
    number = api.submit(description="<script>alert('x')</script> 门口绿化带")["number"]
    client = app.test_client()
    assert client.get("/tasks").status_code == 302
    page = client.get("/login")
    assert page.status_code == 200 and "登录".encode() in page.data
    assert login(client, "dispatcher1").status_code == 302
    tasks = client.get("/tasks")
    assert tasks.status_code == 200
    assert number.encode() in tasks.data and "派单".encode() in tasks.data
    assert b"<script>alert" not in tasks.data and b"&lt;script&gt;" in tasks.data
    case = client.get(f"/cases/{number}")
    assert case.status_code == 200
    assert b"<script>alert" not in case.data and "办理记录".encode() in case.data


def test_wrong_password_is_refused(app):
    client = app.test_client()
    response = login(client, "agent1", "wrong")
    assert response.status_code == 401 and "用户名或密码错误".encode() in response.data


def test_unit_page_for_another_units_case_is_404(app, api):
    number = api.submit()["number"]
    api.dispatch(number, "rsj")
    client = app.test_client()
    login(client, "spec_zjj")
    assert client.get(f"/cases/{number}").status_code == 404


def test_forms_without_csrf_token_are_refused(app):
    client = app.test_client()
    response = client.post("/login", data={"username": "agent1", "password": "qisu-agent1"})
    assert response.status_code == 400


def test_session_use_of_the_api_needs_the_csrf_header(app, api):
    client = app.test_client()
    login(client, "agent1")
    body = {"kind": "咨询", "description": "x", "credit_code": "91350100M000100Y43"}
    assert client.get("/api/auth/me").status_code == 200  # reading with the session is fine
    assert client.post("/api/cases", json=body).status_code == 403
    token = csrf(client, "/tasks")
    assert client.post("/api/cases", json=body, headers={"X-CSRFToken": token}).status_code == 422


def test_english_is_available(app):
    client = app.test_client()
    assert "登录".encode() in client.get("/login").data
    client.get("/lang/en")
    page = client.get("/login").get_data(as_text=True)
    assert "Log in" in page and "Password" in page
    fresh = app.test_client()
    assert "Log in" in fresh.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_vendor_assets_are_served_from_npm_packages(app):
    client = app.test_client()
    assert client.get("/vendor/htmx.org/dist/htmx.min.js").status_code == 200
    assert client.get("/vendor/bpmn-js/dist/bpmn-navigated-viewer.production.min.js").status_code == 200
    assert client.get("/vendor/../package.json").status_code == 404
    assert client.get("/vendor/htmx.org/package.json").status_code == 404


def test_a_failed_login_keeps_the_username(app):
    client = app.test_client()
    page = client.post("/login", data={"username": "agent1", "password": "wrong",
                                       "csrf_token": csrf(client)})
    html = page.get_data(as_text=True)
    assert page.status_code == 401 and "用户名或密码错误" in html and 'value="agent1"' in html
