"""The form editor in the browser (issue 19 §3): a field of contact.schema.json edited (title,
help, reordered), the preview shows it as the task page will, the raw JSON follows, 部署; a new
case's 联系企业 task page shows the field as edited, a running case's keeps the old one."""
from __future__ import annotations

import json

READY = "#designer[data-ready='1']"


def test_editing_a_form_field_shows_on_a_new_cases_task_page(person, api):
    old_case = api.submit()["number"]
    designer = person("designer1")
    page = designer.page
    page.goto("/designer/edit/forms/contact.schema.json")
    page.wait_for_selector(READY, timeout=20000)
    page.wait_for_selector("#form-editor .fe-field[data-field='contact_note']")
    page.wait_for_selector("#form-editor[data-previews]")
    assert page.locator("#form-editor .fe-field").count() == 3
    assert page.is_disabled("#deploy")

    note = page.locator(".fe-field[data-field='contact_note']")
    note.locator("input.fe-title").fill("联系经过")
    note.locator("input.fe-title").dispatch_event("change")
    note = page.locator(".fe-field[data-field='contact_note']")
    note.locator("input.fe-description").fill("写明联系了谁、谈了什么")
    note.locator("input.fe-description").dispatch_event("change")
    page.locator(".fe-field[data-field='contact_note'] .fe-up").click()  # before 联系方式
    page.locator(".fe-preview-body", has_text="写明联系了谁").wait_for(timeout=20000)
    preview = page.inner_text(".fe-preview-body")
    assert "联系经过" in preview and preview.index("联系经过") < preview.index("联系方式")

    schema = json.loads(page.input_value("#source"))  # the raw JSON follows the editor
    assert list(schema["properties"]) == ["contacted_at", "contact_note", "contact_method"]
    assert schema["properties"]["contact_note"]["title"] == "联系经过"
    designer.shot("form-editor")

    page.once("dialog", lambda dialog: dialog.accept())
    assert not page.is_disabled("#deploy")
    page.click("#deploy")
    page.wait_for_selector(".designer-message[data-state='ok']", timeout=20000)
    assert "已部署为新版本" in page.inner_text("#designer-result")

    new_case = api.submit()["number"]
    for number in (old_case, new_case):
        assert api.dispatch(number).status == 200
        assert api.as_("spec_cgj").complete(number, "sign", {}).status == 200
    specialist = person("spec_cgj")
    for number, title in ((new_case, "联系经过"), (old_case, "联系情况")):
        task = api.as_("spec_cgj").task_for(number, "contact")
        specialist.page.goto(f"/tasks/{task['id']}")
        label = specialist.page.inner_text("[data-field='contact_note'] label")
        assert title in label, (number, label)
    specialist.page.goto(f"/tasks/{api.as_('spec_cgj').task_for(new_case, 'contact')['id']}")
    assert "写明联系了谁、谈了什么" in specialist.page.inner_text("[data-field='contact_note']")
    specialist.shot("task-page-edited-form")
