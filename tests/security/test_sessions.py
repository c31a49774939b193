"""Issue 17 §3: sessions and bearer tokens end when they should, in every process.

Each test works with a user of its own (the suite caches the demo users' tokens for the session)."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from app import create_app
from app.clock import FixedClock
from app.db.models import ApiToken, User
from app.services.auth import hash_password
from tests.conftest import FAST_HASH, START
from tests.support import csrf

PAGE = "/tasks"


@pytest.fixture
def user(rt):
    """A fresh supervisor: (username, password)."""
    name, password = f"s_{uuid.uuid4().hex[:8]}", "first-password"
    with rt.uow() as uow:
        uow.session.add(User(username=name, display_name="会话测试", role="supervisor",
                             password_hash=hash_password(password, FAST_HASH), active=True))
        uow.commit()
    return name, password


def token_of(app, username: str, password: str) -> str:
    raw = app.test_client().post("/api/auth/token", json={"username": username, "password": password})
    assert raw.status_code == 201, raw.get_json()
    return raw.get_json()["token"]


def browser(app, username: str, password: str):
    """A test client logged in through the login form, with `client.csrf`."""
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": csrf(client)})
    assert response.status_code == 302, response.status_code
    client.csrf = csrf(client, PAGE)
    return client


def replay(app, client):
    """A new client carrying only `client`'s session cookie (an attacker's copy of it)."""
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy


def me(app, token: str) -> int:
    return app.test_client().get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code


def page_works(client) -> bool:
    response = client.get(PAGE)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=["qisu", "user", *args])


def rows_of(rt, username: str) -> int:
    with rt.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(ApiToken).join(User)
                                  .where(User.username == username))


# -- logout ---------------------------------------------------------------------------------
def test_page_logout_ends_the_session_for_good(app, user):
    client = browser(app, *user)
    stolen = replay(app, client)
    assert page_works(stolen) and stolen.get("/api/auth/me").status_code == 200
    assert client.post("/logout", data={"csrf_token": client.csrf}).status_code == 302
    assert not page_works(stolen)                          # the page: back to /login
    assert stolen.get("/api/auth/me").status_code == 401   # the API: 401
    assert not page_works(client)


def test_api_logout_of_a_browser_session_needs_csrf_and_ends_it(app, user):
    client = browser(app, *user)
    stolen = replay(app, client)
    assert client.post("/api/auth/logout").status_code == 403          # no CSRF token: refused
    assert page_works(stolen)                                          # … and nothing ended
    assert client.post("/api/auth/logout", headers={"X-CSRFToken": client.csrf}).status_code == 204
    assert stolen.get("/api/auth/me").status_code == 401
    assert not page_works(stolen)


def test_api_logout_ends_only_the_presented_token(app, user):
    token, other = token_of(app, *user), token_of(app, *user)
    raw = app.test_client().post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert raw.status_code == 204
    assert me(app, token) == 401
    assert app.test_client().post("/api/auth/logout",
                                  headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert me(app, other) == 200


def test_logout_without_credentials_is_401(app):
    assert app.test_client().post("/api/auth/logout").status_code == 401
    assert app.test_client().post("/api/auth/logout",
                                  headers={"Authorization": "Bearer nonsense"}).status_code == 401


# -- password, disabled user, administrator -------------------------------------------------
def test_a_password_change_ends_every_session_and_token(app, rt, user):
    name, old = user
    token, client = token_of(app, name, old), browser(app, name, old)
    result = cli(app, "set-password", name, "--password", "second-password")
    assert result.exit_code == 0, result.output
    assert "2 session(s)" in result.output
    assert me(app, token) == 401 and not page_works(client)
    assert client.get("/api/auth/me").status_code == 401
    assert app.test_client().post("/api/auth/token", json={"username": name, "password": old}
                                  ).status_code == 401
    assert me(app, token_of(app, name, "second-password")) == 200


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_changing_ones_own_password_ends_the_other_sessions_and_tokens(app, rt, user):
    name, old = user
    current, other, client = token_of(app, name, old), token_of(app, name, old), browser(app, name, old)
    raw = app.test_client().post("/api/auth/password", headers=bearer(current),
                                 json={"current_password": old, "new_password": "second-password"})
    assert raw.status_code == 204, raw.get_json()
    assert me(app, current) == 200                                  # the one presented stays
    assert me(app, other) == 401 and not page_works(client)         # every other one ended
    assert app.test_client().post("/api/auth/token", json={"username": name, "password": old}
                                  ).status_code == 401
    assert me(app, token_of(app, name, "second-password")) == 200


def test_a_password_change_in_the_browser_keeps_that_session_only(app, rt, user):
    name, old = user
    client, elsewhere, token = browser(app, name, old), browser(app, name, old), token_of(app, name, old)
    raw = client.post("/api/auth/password", headers={"X-CSRFToken": client.csrf},
                      json={"current_password": old, "new_password": "second-password"})
    assert raw.status_code == 204
    assert page_works(client) and not page_works(elsewhere) and me(app, token) == 401


@pytest.mark.parametrize("body, field", [
    ({"current_password": "wrong-password", "new_password": "second-password"}, "current_password"),
    ({"current_password": "first-password", "new_password": "short"}, "new_password"),
])
def test_a_refused_password_change_changes_nothing(app, rt, user, body, field):
    name, password = user
    current, other = token_of(app, name, password), token_of(app, name, password)
    raw = app.test_client().post("/api/auth/password", headers=bearer(current), json=body)
    assert raw.status_code == 422 and list(raw.get_json()["error"]["fields"]) == [field]
    assert me(app, current) == 200 and me(app, other) == 200 and rows_of(rt, name) == 2
    assert token_of(app, name, password)


def test_guessing_the_current_password_is_limited_like_a_login(app, user):
    name, password = user
    token = token_of(app, name, password)
    limit = app.config["QISU_LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        raw = app.test_client().post("/api/auth/password", headers=bearer(token), json={
            "current_password": "guess", "new_password": "second-password"})
        assert raw.status_code == 422
    raw = app.test_client().post("/api/auth/password", headers=bearer(token), json={
        "current_password": password, "new_password": "second-password"})
    assert raw.status_code == 429


def test_a_refused_password_changes_nothing(app, rt, user):
    name, password = user
    token = token_of(app, name, password)
    result = cli(app, "set-password", name, "--password", "short")
    assert result.exit_code != 0 and "password" in result.output
    assert me(app, token) == 200 and rows_of(rt, name) == 1
    assert token_of(app, name, password)


def test_a_disabled_user_is_shut_out_at_once(app, rt, user):
    name, password = user
    token, client = token_of(app, name, password), browser(app, name, password)
    result = cli(app, "disable", name)
    assert result.exit_code == 0, result.output
    assert me(app, token) == 401 and client.get("/api/auth/me").status_code == 401
    assert not page_works(client)
    assert app.test_client().post("/api/auth/token", json={"username": name, "password": password}
                                  ).status_code == 401
    assert cli(app, "enable", name).exit_code == 0
    assert me(app, token) == 401 and not page_works(client)   # enabling again revives nothing
    assert me(app, token_of(app, name, password)) == 200


def test_a_user_disabled_in_the_database_stops_even_before_revocation(app, rt, user):
    """`active` is checked on every request, not only when the rows are deleted."""
    name, password = user
    token, client = token_of(app, name, password), browser(app, name, password)
    with rt.uow() as uow:
        uow.session.scalar(select(User).where(User.username == name)).active = False
        uow.commit()
    assert me(app, token) == 401 and not page_works(client)


def test_an_administrator_revokes_all_sessions_of_a_user(app, rt, user):
    name, password = user
    tokens = [token_of(app, name, password) for _ in range(2)]
    client = browser(app, name, password)
    bystander = token_of(app, "supervisor1", "qisu-supervisor1")
    result = cli(app, "revoke-sessions", name)
    assert result.exit_code == 0 and "3 session(s)" in result.output, result.output
    assert [me(app, t) for t in tokens] == [401, 401] and not page_works(client)
    assert me(app, bystander) == 200 and rows_of(rt, name) == 0
    assert me(app, token_of(app, name, password)) == 200       # the user may log in again


def test_revoking_an_unknown_user_is_a_clear_error(app):
    result = cli(app, "revoke-sessions", "nobody-here")
    assert result.exit_code != 0 and "nobody-here" in result.output


# -- lifetime -------------------------------------------------------------------------------
def test_tokens_and_sessions_end_at_the_configured_lifetime(app, rt, user):
    hours = app.config["QISU_TOKEN_TTL_HOURS"]
    name, password = user
    raw = app.test_client().post("/api/auth/token", json={"username": name, "password": password})
    token = raw.get_json()["token"]
    expires = datetime.fromisoformat(raw.get_json()["expires_at"].rstrip("Z"))
    assert expires == START + timedelta(hours=hours)
    client = browser(app, name, password)
    rt.clock = FixedClock(START + timedelta(hours=hours))
    assert me(app, token) == 200 and page_works(client)        # the last moment
    rt.clock.advance(seconds=1)
    assert me(app, token) == 401 and not page_works(client)


def test_the_lifetime_follows_qisu_token_ttl_hours(database_url, user, monkeypatch):
    monkeypatch.setenv("QISU_TOKEN_TTL_HOURS", "0.5")           # from the environment
    short = create_app({"TESTING": True, "DATABASE_URL": database_url, "QISU_AUTO_DEPLOY": False,
                        "SECRET_KEY": "test"})
    short.extensions["qisu"].clock = FixedClock(START)
    name, password = user
    raw = short.test_client().post("/api/auth/token", json={"username": name, "password": password})
    assert raw.get_json()["expires_at"] == "2026-11-23T02:30:00Z"
    token, client = raw.get_json()["token"], browser(short, name, password)
    short.extensions["qisu"].clock.advance(minutes=30)
    assert me(short, token) == 200 and page_works(client)
    short.extensions["qisu"].clock.advance(seconds=1)
    assert me(short, token) == 401 and not page_works(client)


@pytest.mark.parametrize("value", ["0", "-1", "twelve"])
def test_a_lifetime_that_is_not_a_positive_number_stops_the_start(database_url, monkeypatch, value):
    monkeypatch.setenv("QISU_TOKEN_TTL_HOURS", value)
    with pytest.raises(ValueError, match="QISU_TOKEN_TTL_HOURS"):
        create_app({"TESTING": True, "DATABASE_URL": database_url, "QISU_AUTO_DEPLOY": False})


# -- several processes ----------------------------------------------------------------------
def test_two_app_instances_on_one_database_agree_on_revocation(app, database_url, user):
    """Two gunicorn processes (or machines): what one ends, the other refuses at once."""
    other = create_app({"TESTING": True, "DATABASE_URL": database_url, "QISU_AUTO_DEPLOY": False,
                        "SECRET_KEY": "test", "QISU_TOKEN_TTL_HOURS": 24 * 365})
    other.extensions["qisu"].clock = FixedClock(START)
    name, password = user
    token = token_of(app, name, password)
    assert me(other, token) == 200 and me(app, token) == 200
    other.test_client().post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert me(app, token) == 401

    client = browser(app, name, password)
    there = replay(other, client)
    assert page_works(there)
    assert client.post("/logout", data={"csrf_token": client.csrf}).status_code == 302
    assert not page_works(there) and there.get("/api/auth/me").status_code == 401

    token, client = token_of(other, name, password), browser(other, name, password)
    assert me(app, token) == 200 and page_works(replay(app, client))
    assert cli(app, "revoke-sessions", name).exit_code == 0
    assert me(other, token) == 401 and not page_works(client)


def test_an_authenticated_request_costs_one_query(app, rt, user):
    """Checking a credential is one indexed lookup (api_tokens by token_hash, joined to users)."""
    token = token_of(app, *user)
    engine = rt.session_factory.kw["bind"]
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert me(app, token) == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(statements) == 1 and "api_tokens" in statements[0]
