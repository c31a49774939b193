"""In the browser: the dispatcher works the dispatch form, the unit claims with htmx, and the case
page draws both BPMN diagrams with the case's current and overdue steps marked."""
from __future__ import annotations

from app.worker import run_once


def marker_classes(page, process_id: str, element_id: str) -> str:
    locator = page.locator(f'#diagram-{process_id} .djs-element[data-element-id="{element_id}"]').first
    return locator.get_attribute("class") or ""


def test_dispatch_claim_and_case_diagram(person, api, rt):
    number = api.submit()["number"]

    dispatcher = person("dispatcher1")
    dispatcher.page.goto("/tasks")
    dispatcher.page.click(f'tr:has(a[href="/cases/{number}"]) a.task-link')
    dispatcher.page.wait_for_selector("select#f-unit_code")
    assert dispatcher.page.input_value("select#f-unit_code") == "xlz"  # the suggestion
    dispatcher.page.select_option("select#f-unit_code", "cgj")
    dispatcher.page.click("form.task-form button[type=submit]")
    dispatcher.page.wait_for_selector(".field-error")
    assert "改派理由" in dispatcher.page.inner_text('[data-field="override_reason"]')
    assert "改派至非建议单位时须填写改派理由" in dispatcher.page.inner_text('[data-field="override_reason"]')
    dispatcher.shot("dispatch-error")
    dispatcher.page.fill("#f-override_reason", "绿化带属城管局管养")
    dispatcher.page.click("form.task-form button[type=submit]")
    dispatcher.page.wait_for_url("**/tasks")
    assert f"已办理：{number}" in dispatcher.page.inner_text(".flashes")

    unit = person("spec_cgj")
    unit.page.goto("/tasks")
    row = unit.page.locator(f'tr:has(a[href="/cases/{number}"])')
    row.locator("button", has_text="认领").click()
    unit.page.wait_for_selector(f'tr:has(a[href="/cases/{number}"]) .badge.claimed')
    assert "/tasks" in unit.page.url  # swapped in place, no navigation
    unit.shot("claimed")
    unit.page.click(f'tr:has(a[href="/cases/{number}"]) a.task-link')
    unit.page.wait_for_selector("#f-sign_action")
    unit.shot("sign-task")

    supervisor = person("supervisor1")
    supervisor.page.goto(f"/cases/{number}")
    supervisor.page.wait_for_selector("#case-diagram.ready")
    assert "current" in marker_classes(supervisor.page, "unit_handling", "sign")
    assert "current" in marker_classes(supervisor.page, "unit_handling", "sp_response")
    assert "done" in marker_classes(supervisor.page, "enterprise_demand", "dispatch")
    assert supervisor.page.is_visible("#diagram-unit_handling")  # opens where the case is
    # readable: the current task is drawn at ≥ 0.75 of its size and inside the visible canvas
    box = supervisor.page.locator("#diagram-unit_handling").bounding_box()
    sign = supervisor.page.locator('#diagram-unit_handling .djs-element[data-element-id="sign"]').first.bounding_box()
    assert sign["width"] >= 0.74 * 100
    assert box["x"] <= sign["x"] and sign["x"] + sign["width"] <= box["x"] + box["width"]
    assert box["y"] <= sign["y"] and sign["y"] + sign["height"] <= box["y"] + box["height"]
    supervisor.shot("case-diagram")

    rt.clock.advance(minutes=61)
    run_once(rt)
    supervisor.page.reload()
    supervisor.page.wait_for_selector("#case-diagram.ready")
    assert "overdue" in marker_classes(supervisor.page, "unit_handling", "sp_response")
    assert "overdue" in marker_classes(supervisor.page, "unit_handling", "sign")
    supervisor.shot("case-diagram-overdue")
    english = person("analyst1")
    english.page.goto("/lang/en")
    english.page.goto(f"/cases/{number}")
    english.page.wait_for_selector("#case-diagram.ready")
    assert english.page.inner_text("#diagram-tab-enterprise_demand") == "Enterprise demand"
    labels = english.page.inner_text("#diagram-unit_handling")
    assert "Accept" in labels and "签收" not in labels and "Contact the enterprise" in labels
    english.shot("case-diagram-en")
    supervisor.page.click("#diagram-tab-enterprise_demand")
    assert supervisor.page.is_visible("#diagram-enterprise_demand")
    assert "overdue" in marker_classes(supervisor.page, "enterprise_demand", "handle")
    supervisor.shot("case-diagram-main")
