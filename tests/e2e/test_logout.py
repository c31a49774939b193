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
