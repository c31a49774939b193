"""Enterprises use the web app on their phones: at 390 px nothing scrolls sideways, the header
keeps logout inside the bar, and the main buttons are big enough to tap."""
from __future__ import annotations

import pytest


PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN"}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server, **PHONE)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", "ent2")
    page.fill("input[name=password]", "qisu-ent2")
    page.click("button[type=submit]")
    page.wait_for_url("**/my/cases")
    yield page
    context.close()


def _width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_enterprise_pages_fit_a_phone(phone, api):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    api.unit_handles(number)
    for path in ("/my/cases", "/my/submit", f"/cases/{number}"):
        phone.goto(path)
        assert _width(phone) <= 390, path
        header = phone.locator("header").bounding_box()
        logout = phone.locator("header .user-bar button").bounding_box()
        assert logout["x"] + logout["width"] <= header["x"] + header["width"]
        assert logout["y"] + logout["height"] <= header["y"] + header["height"]
    rate = phone.locator("a.button.primary", has_text="去评价").bounding_box()
    assert rate["height"] >= 44 and rate["width"] >= 300          # a full-width button to tap
    phone.screenshot(path="tests/e2e/screenshots/phone-case.png", full_page=True)
