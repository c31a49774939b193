"""In the browser, as the enterprise: choosing 不满意 marks the reason required (P10); submitting
without one is refused next to the field with the choice kept; with a reason it goes through."""
from __future__ import annotations


def test_the_enterprise_must_say_why_it_is_dissatisfied(person, api):
    number = api.submit()["number"]
    assert api.dispatch(number, "cgj").status == 200
    api.unit_handles(number)

    enterprise = person("ent2")
    page = enterprise.page
    page.goto("/my/cases")
    page.click(f'tr:has-text("{number}") a.rate')
    page.wait_for_selector("form.task-form")
    mark = page.locator('[data-field="rating_comment"] .req-when')
    assert not mark.is_visible()                                   # not required for 满意
    page.select_option("#f-rating", "不满意")
    assert mark.is_visible()                                       # the reason is now required
    assert page.get_attribute("#f-rating_comment", "aria-required") == "true"
    enterprise.shot("rate-dissatisfied")
    page.click("form.task-form button[type=submit]")
    page.wait_for_selector('[data-field="rating_comment"] .field-error')
    assert "满意度为不满意或非常不满意时必填" in page.inner_text('[data-field="rating_comment"]')
    assert page.input_value("#f-rating") == "不满意"                 # the choice is kept
    assert page.locator('[data-field="rating_comment"] .req-when').is_visible()
    enterprise.shot("rate-refused")
    assert api.as_("ent2").task_for(number, "rate")["status"] == "ready"

    page.select_option("#f-rating", "满意")
    assert not page.locator('[data-field="rating_comment"] .req-when').is_visible()
    page.select_option("#f-rating", "非常不满意")
    page.fill("#f-rating_comment", "出入口仍然太窄，货车进出困难")
    page.click("form.task-form button[type=submit]")
    page.wait_for_url(f"**/cases/{number}")
    case = api.as_("ent2").get(f"/api/cases/{number}").json
    assert case["rating"] == "非常不满意" and case["status"] == "supervising"
