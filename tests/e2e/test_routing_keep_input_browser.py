"""P4 分拨抽检 in the browser: the audit note counts as it is typed, is never cut, and a refused
verdict comes back with the note and the chosen domain kept and the error next to the field."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.routing_data import write_csv

CLEAR = "我司工厂废气排放超标的问题，请环保部门尽快处理"   # 环境保护, above the threshold


def test_a_supervisor_keeps_a_refused_note_and_sees_its_count(person, api, app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["qisu", "routing", "train", "--csv", str(write_csv(tmp_path / "orders.csv")), "--activate"])
    assert result.exit_code == 0, result.output
    version = int(re.search(r"model version (\d+)", result.output).group(1))
    assert api.submit(description=CLEAR, domain=None, town="小榄镇")["routing"]["auto_dispatched"]
    supervisor = person("supervisor1")
    page = supervisor.page
    page.goto("/routing/audit")
    page.fill("input[name=size]", "五")
    with page.expect_navigation():
        page.click("text=随机抽样")
    assert page.input_value("#size") == "五" and page.locator("#size-error").is_visible()
    assert "size=" not in page.url
    page.fill("#size", "1")
    with page.expect_navigation():
        page.click("text=随机抽样")
    audit_id = page.locator("tr[data-audit]").first.get_attribute("data-audit")
    note, counter = page.locator(f"#note-{audit_id}"), page.locator(f"#note-{audit_id}-count")
    expect(counter).to_have_text("0/500")
    page.fill(f"#note-{audit_id}", "实为施工扬尘" + "。" * 493)
    expect(counter).to_have_text("499/500")
    note.press("End")
    page.keyboard.insert_text("请复核")                              # as a paste would
    expect(counter).to_have_text("超出 2 字（上限 500 字），请删减后再提交")
    typed = note.input_value()
    assert len(typed) == 502                                       # nothing cut
    page.select_option(f"#domain-{audit_id}", "城乡建设")
    with page.expect_navigation():
        page.click(f"tr[data-audit='{audit_id}'] button[value=wrong]")
    assert page.locator(f"#note-{audit_id}-error").inner_text() == "备注不超过 500 字"
    assert page.locator(f"#note-{audit_id}").input_value() == typed
    assert page.locator(f"#domain-{audit_id}").input_value() == "城乡建设"
    expect(page.locator(f"#note-{audit_id}-count")).to_have_text("超出 2 字（上限 500 字），请删减后再提交")
    assert "note=" not in page.url and "施工" not in page.url
    supervisor.shot("routing-audit-note-refused")
    page.fill(f"#note-{audit_id}", "实为施工扬尘")
    with page.expect_navigation():
        page.click(f"tr[data-audit='{audit_id}'] button[value=wrong]")
    assert "已判定：领域错误" in page.inner_text("main")
    summary = api.as_("supervisor1").get(f"/api/routing/models/{version}/audits").json["summary"]
    assert (summary["wrong"], summary["pending"]) == (1, 0)
