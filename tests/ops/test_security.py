"""Security headers, session cookie flags, CSRF on forms, login rate limiting."""
from __future__ import annotations

import re


from app import create_app
from tests.support import csrf, logged_in


def _login(client, username, password, **kwargs):
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf(client)}, **kwargs)


def test_every_response_carries_the_security_headers(app, api):
    client = app.test_client()
    for url in ("/login", "/healthz", "/api/openapi.json", "/api/cases"):
        headers = client.get(url).headers
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["X-Frame-Options"] == "DENY", url
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, url
        assert "'unsafe-inline'" not in csp.split("script-src")[1], url


def test_inline_scripts_carry_the_policy_nonce(app):
    client = logged_in(app, "agent1")
    raw = client.get("/intake")
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", raw.headers["Content-Security-Policy"]).group(1)
    html = raw.get_data(as_text=True)
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)([^>]*)>", html)
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline), inline
    assert client.get("/intake").headers["Content-Security-Policy"] != raw.headers["Content-Security-Policy"]


def test_session_cookie_is_httponly_and_samesite(app):
    client = app.test_client()
    cookie = _login(client, "agent1", "qisu-agent1").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookies_behind_https(database_url):
    app = create_app({"TESTING": True, "QISU_AUTO_DEPLOY": False, "DATABASE_URL": database_url,
                      "SECRET_KEY": "t", "QISU_SECURE_COOKIES": True})
    client = app.test_client()  # https (PREFERRED_URL_SCHEME): the browser's Referer is checked
    raw = _login(client, "agent1", "qisu-agent1", headers={"Referer": "https://localhost/login"})
    assert raw.status_code == 302
    assert "Secure" in raw.headers["Set-Cookie"] and "HttpOnly" in raw.headers["Set-Cookie"]
    assert raw.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_logged_in_form_post_without_the_csrf_token_is_refused(app):
    client = logged_in(app, "dispatcher1")
    assert client.post("/logout").status_code == 400
    assert client.get("/tasks").status_code == 200  # still logged in: the logout was refused
    assert client.post("/logout", data={"csrf_token": client.csrf}).status_code == 302


def test_api_logins_are_limited_per_username_and_address(api):
    client = api.client
    for _ in range(5):
        raw = client.post("/api/auth/token", json={"username": "agent2", "password": "wrong"})
        assert raw.status_code == 401
    raw = client.post("/api/auth/token", json={"username": "agent2", "password": "qisu-agent2"})
    assert raw.status_code == 429
    body = raw.get_json()["error"]
    assert body["code"] == "too_many_requests" and "登录失败次数过多" in body["message"]
    assert int(raw.headers["Retry-After"]) > 0
    # Another user from the same address, or the same user from elsewhere, is not affected.
    assert client.post("/api/auth/token", json={"username": "agent1",
                                                "password": "qisu-agent1"}).status_code == 201
    assert client.post("/api/auth/token", json={"username": "agent2", "password": "qisu-agent2"},
                       environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 201


def test_a_successful_login_clears_the_failures(api):
    for _ in range(4):
        api.client.post("/api/auth/token", json={"username": "agent2", "password": "wrong"})
    assert api.client.post("/api/auth/token", json={"username": "agent2",
                                                    "password": "qisu-agent2"}).status_code == 201
    for _ in range(4):
        assert api.client.post("/api/auth/token", json={"username": "agent2",
                                                        "password": "wrong"}).status_code == 401


def test_page_logins_are_limited_too(app):
    client = app.test_client()
    for _ in range(5):
        assert _login(client, "dispatcher1", "wrong").status_code == 401
    raw = _login(client, "dispatcher1", "qisu-dispatcher1")
    assert raw.status_code == 429 and "登录失败次数过多".encode() in raw.data
    assert raw.headers["Retry-After"]


def test_an_unreachable_store_does_not_block_logins(database_url):
    app = create_app({"TESTING": True, "QISU_AUTO_DEPLOY": False, "DATABASE_URL": database_url,
                      "QISU_RATELIMIT_STORAGE": "redis://127.0.0.1:1/0"})
    raw = app.test_client().post("/api/auth/token", json={"username": "agent1",
                                                          "password": "qisu-agent1"})
    assert raw.status_code == 201
