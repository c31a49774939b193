"""Issue 17 §3 on the page 修改密码 (/account/password): the other sessions and tokens end, this
one stays; a refused change shows its error at the field and changes nothing."""
from __future__ import annotations

import pytest

from tests.security.test_sessions import browser, me, page_works, rows_of, token_of, user  # noqa: F401

PAGE = "/account/password"


def change(client, current: str, new: str, confirm: str | None = None):
    return client.post(PAGE, data={"csrf_token": client.csrf, "current_password": current,
                                   "new_password": new,
                                   "confirm_password": new if confirm is None else confirm})


def test_the_header_links_to_the_page(app, user):  # noqa: F811
    client = browser(app, *user)
    assert f'href="{PAGE}"' in client.get("/tasks").get_data(as_text=True)
    assert "修改密码" in client.get(PAGE).get_data(as_text=True)


def test_changing_the_password_on_the_page_keeps_only_this_session(app, user):  # noqa: F811
    name, old = user
    client, elsewhere, token = browser(app, name, old), browser(app, name, old), token_of(app, name, old)
    response = change(client, old, "second-password")
    assert response.status_code == 200
    assert "密码已修改" in response.get_data(as_text=True)
    assert page_works(client) and not page_works(elsewhere) and me(app, token) == 401
    assert me(app, token_of(app, name, "second-password")) == 200


@pytest.mark.parametrize("current, new, confirm, field", [
    ("wrong-password", "second-password", None, "current_password"),
    ("first-password", "short", None, "new_password"),
    ("first-password", "second-password", "third-password", "confirm_password"),
])
def test_a_refused_change_shows_the_error_at_its_field(app, rt, user, current, new, confirm, field):  # noqa: F811
    name, password = user
    client, token = browser(app, name, password), token_of(app, name, password)
    response = change(client, current, new, confirm)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and html.count('class="field-error"') == 1
    assert page_works(client) and me(app, token) == 200 and rows_of(rt, name) == 2
    assert token_of(app, name, password)                     # the password did not change


def test_the_page_needs_a_login_and_the_csrf_token(app, user):  # noqa: F811
    anonymous = app.test_client().get(PAGE)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    client = browser(app, *user)
    refused = client.post(PAGE, data={"current_password": user[1], "new_password": "second-password",
                                      "confirm_password": "second-password"})
    assert refused.status_code == 400
    assert token_of(app, *user)


def test_the_page_in_english(app, user):  # noqa: F811
    client = browser(app, *user)
    client.set_cookie("lang", "en")
    html = change(client, "wrong-password", "second-password").get_data(as_text=True)
    assert "Change password" in html and "The current password is wrong" in html
