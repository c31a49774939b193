"""The Content-Security-Policy blocks nothing the pages need (the `person` fixture fails a test
on any CSP violation in the browser console)."""
from __future__ import annotations


def test_swagger_ui_renders_under_its_policy(person):
    page = person("designer1").page
    page.goto("/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    assert page.locator(".swagger-ui .opblock").count() > 10


def test_pages_with_inline_scripts_run_them(person):
    agent = person("agent1")
    page = agent.page
    page.goto("/intake")
    # htmx runs under the policy: typing looks the enterprise up.
    page.fill("#enterprise-q", "好来")
    page.wait_for_selector("#enterprise-results :text('好来')", timeout=10000)
