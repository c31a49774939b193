"""Browsers get HTML error pages (in their language, with the navigation); API clients, htmx and
anything that does not prefer HTML keep the JSON error shape."""
from __future__ import annotations

import logging

from tests.support import logged_in

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_a_browser_gets_an_html_404_page_with_the_navigation(app):
    client = logged_in(app, "dispatcher1")
    page = client.get("/no/such/page", headers=BROWSER)
    html = page.get_data(as_text=True)
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "<title>页面不存在，请检查地址 - 企诉</title>" in html
    assert '<p class="error">页面不存在，请检查地址</p>' in html and "返回首页" in html
    assert 'href="/tasks"' in html  # the header's navigation of a logged-in user


def test_the_404_page_in_english_and_for_an_anonymous_visitor(app):
    client = app.test_client()
    client.set_cookie("lang", "en")
    html = client.get("/no/such/page", headers=BROWSER).get_data(as_text=True)
    assert '<p class="error">There is no such page; check the address</p>' in html
    assert "Back to the home page" in html
    assert 'href="/tasks"' not in html


def test_api_clients_htmx_and_no_preference_keep_the_json_error(app):
    client = logged_in(app, "dispatcher1")
    for path, headers in [("/api/no/such/route", BROWSER),
                          ("/no/such/page", {"Accept": "application/json"}),
                          ("/no/such/page", {}),
                          ("/no/such/page", {**BROWSER, "HX-Request": "true"})]:
        response = client.get(path, headers=headers)
        assert response.status_code == 404 and response.mimetype == "application/json", (path, headers)
        assert response.get_json()["error"]["code"] == "not_found"
    open311 = client.get("/open311/v2/nothing.json", headers=BROWSER)  # GeoReport's own error list
    assert open311.status_code == 404 and open311.get_json()[0]["code"] == 404


def test_a_wrong_method_on_a_page_gets_an_html_405_with_allow(app):
    client = logged_in(app, "dispatcher1")
    page = client.delete("/tasks", headers=BROWSER)
    assert page.status_code == 405 and page.mimetype == "text/html"
    assert "不支持该请求方法" in page.get_data(as_text=True)
    assert "GET" in page.headers["Allow"]


def test_a_failing_page_gets_an_html_500_and_the_error_is_logged(app, caplog, monkeypatch):
    client = logged_in(app, "agent1")

    def broken(*args, **kwargs):
        raise RuntimeError("kaputt")

    monkeypatch.setitem(app.view_functions, "web.knowledge.knowledge", broken)  # the app outlives this test
    with caplog.at_level(logging.ERROR, logger="qisu.api"):
        page = client.get("/knowledge", headers=BROWSER)
    assert page.status_code == 500 and page.mimetype == "text/html"
    assert '<p class="error">服务器内部错误</p>' in page.get_data(as_text=True)
    assert "kaputt" not in page.get_data(as_text=True)
    assert any(r.message == "unhandled error" and "kaputt" in (r.exc_text or "") for r in caplog.records)
    api_style = client.get("/knowledge", headers={"Accept": "application/json"})
    assert api_style.status_code == 500 and api_style.get_json()["error"]["code"] == "internal_error"


def test_a_form_without_a_valid_csrf_token_says_the_page_expired(app):
    client = logged_in(app, "supervisor1")
    page = client.post("/insight/surges/1/acknowledge", data={"csrf_token": "stale"}, headers=BROWSER)
    assert page.status_code == 400 and page.mimetype == "text/html"
    assert "页面已过期，请刷新后重新提交" in page.get_data(as_text=True)
