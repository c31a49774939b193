"""The minimal pages: log in, see my task list, open a case (escaped output)."""
from __future__ import annotations


def login(client, username):
    return client.post("/login", data={"username": username, "password": f"qisu-{username}"})


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
    response = client.post("/login", data={"username": "agent1", "password": "wrong"})
    assert response.status_code == 401 and "用户名或密码错误".encode() in response.data


def test_unit_page_for_another_units_case_is_404(app, api):
    number = api.submit()["number"]
    api.dispatch(number, "rsj")
    client = app.test_client()
    login(client, "spec_zjj")
    assert client.get(f"/cases/{number}").status_code == 404
