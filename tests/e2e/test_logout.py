"""Issue 17 §3 in the browser: after 退出, a copy of the old session cookie opens nothing."""
from __future__ import annotations


def test_a_copied_session_cookie_is_dead_after_logout(person, browser, live_server):
    agent = person("agent1")
    agent.page.goto("/tasks")
    stolen = agent.context.cookies()
    assert any(cookie["name"] == "session" for cookie in stolen)
    agent.page.click("header .user-bar button")          # 退出
    agent.page.wait_for_url("**/login")
    agent.shot("logged-out")

    thief = browser.new_context(base_url=live_server, locale="zh-CN")
    try:
        thief.add_cookies(stolen)
        page = thief.new_page()
        page.goto("/tasks")
        assert "/login" in page.url                       # the page: back to the login form
        assert page.locator("input[name=password]").is_visible()
        me = page.request.get("/api/auth/me")
        assert me.status == 401                           # the API: 401
    finally:
        thief.close()


def test_changing_the_password_in_the_browser(person, rt):
    """A user opens 修改密码 from their name in the header, mistypes, then changes it."""
    import uuid

    from app.db.models import User
    from app.services.auth import hash_password
    from tests.conftest import FAST_HASH
    name = f"e2e_{uuid.uuid4().hex[:6]}"
    with rt.uow() as uow:
        uow.session.add(User(username=name, display_name="改密测试", role="supervisor",
                             password_hash=hash_password(f"qisu-{name}", FAST_HASH), active=True))
        uow.commit()
    me = person(name)
    me.page.click("header a.who")
    me.page.wait_for_url("**/account/password")
    me.page.fill("input[name=current_password]", "wrong-password")
    me.page.fill("input[name=new_password]", "second-password")
    me.page.fill("input[name=confirm_password]", "second-password")
    me.page.click("main button[type=submit]")
    me.page.wait_for_load_state()
    assert me.page.locator("#current_password-error").inner_text() == "当前密码不正确"
    me.shot("password-refused")
    me.page.fill("input[name=current_password]", f"qisu-{name}")
    me.page.fill("input[name=new_password]", "second-password")
    me.page.fill("input[name=confirm_password]", "second-password")
    me.page.click("main button[type=submit]")
    me.page.wait_for_load_state()
    assert "密码已修改" in me.page.content()
    me.shot("password-changed")
    me.page.goto("/tasks")
    assert "/login" not in me.page.url                    # this session stays
