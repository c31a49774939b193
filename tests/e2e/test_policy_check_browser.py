"""The designer's policy check in the browser (issue 19 §5): the response limit of sla.dmn edited
from 60 to 90 minutes in dmn-js, 检查政策规则 turns P5 red with the failing step, deploy is
refused; changed back (with a new description) the check is green and the deploy goes through.
The check runs P5's real scenarios (QISU_POLICY_RULES=P5) in a child process."""
from __future__ import annotations

import pytest

READY = "#designer[data-ready='1']"
CHECK_DONE = "#policy-check[data-state='passed'], #policy-check[data-state='failed'], #policy-check[data-state='error']"
CHECK_TIMEOUT = 600_000  # ms; P5's scenarios take well under a minute, this only stops a hung run


@pytest.fixture
def gate(rt, monkeypatch):
    monkeypatch.setitem(rt.settings, "policy_gate", True)
    monkeypatch.setitem(rt.settings, "policy_rules", ["P5"])


def edit_cell(page, element_id: str, text: str) -> None:
    cell = page.locator(f"[data-element-id='{element_id}']")
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.locator("h1").click()  # leave the cell
    assert cell.inner_text().strip() == text


def check(page) -> str:
    page.click("#policy-check-start")
    page.wait_for_selector(CHECK_DONE, timeout=CHECK_TIMEOUT)
    return page.get_attribute("#policy-check", "data-state")


def test_a_longer_response_limit_fails_p5_and_changing_it_back_passes(person, gate, rt):
    designer = person("designer1")
    page = designer.page
    page.goto("/designer/edit/sla.dmn")
    page.wait_for_selector(READY, timeout=20000)
    page.wait_for_selector("[data-element-id='rule_06_response_minutes']")

    edit_cell(page, "rule_06_response_minutes", "90")
    assert check(page) == "failed"
    panel = page.locator("#policy-check")
    assert "政策规则检查未通过：P5" in panel.inner_text()
    p5 = page.locator(".policy-rule[data-rule='P5']")
    assert "failed" in p5.get_attribute("class")
    assert p5.locator(".policy-scenario[data-outcome='failed']").count() >= 1
    assert '那么 "响应时限" 的结果为 "violated"' in p5.inner_text()
    designer.shot("policy-check-red")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#deploy")
    page.wait_for_selector(".designer-message[data-state='error']", timeout=20000)
    assert "未通过（P5）" in page.inner_text("#designer-result")

    edit_cell(page, "rule_06_response_minutes", "60")
    edit_cell(page, "rule_06_solution_minutes", "1440")
    page.evaluate("""async () => {  // a new wording of the rule's description: a real change
      const modeler = window.qisuDesigner.modeler;
      const viewer = modeler.getActiveViewer();
      const rule = viewer.get("elementRegistry").get("rule_06");
      viewer.get("modeling").updateProperties(rule, { description: "一般事项（兜底规则）：60 分钟响应" });
    }""")
    assert check(page) == "passed", panel.inner_text()
    assert "政策规则检查通过" in panel.inner_text()
    assert "ok" in page.locator(".policy-rule[data-rule='P5']").get_attribute("class")
    designer.shot("policy-check-green")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#deploy")
    page.wait_for_selector(".designer-message[data-state='ok']", timeout=20000)
    assert "已部署为新版本" in page.inner_text("#designer-result")


def test_a_decision_table_cell_in_error_is_marked_at_the_cell(person):
    designer = person("designer1")
    page = designer.page
    page.goto("/designer/edit/sla.dmn")
    page.wait_for_selector(READY, timeout=20000)
    page.wait_for_selector("#designer[data-cells-checked]", timeout=20000)
    assert page.locator(".qisu-cell-error").count() == 0
    edit_cell(page, "rule_06_response_minutes", '"90"')
    cell = page.locator("[data-element-id='rule_06_response_minutes'].qisu-cell-error")
    cell.wait_for(timeout=20000)
    assert cell.get_attribute("data-cell-error") == '此列类型为 integer，应填写整数，而不是 "90"'
    assert "单元格有误：1 处" in page.inner_text("#dmn-cell-errors")
    designer.shot("dmn-cell-error")
    edit_cell(page, "rule_06_response_minutes", "90")
    page.wait_for_selector("#dmn-cell-errors[hidden]", state="attached", timeout=20000)
    assert page.locator(".qisu-cell-error").count() == 0
