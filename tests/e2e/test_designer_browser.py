"""A process designer in the browser: bpmn-js and dmn-js open the deployed files, saving from the
modeler keeps every model element and deploys nothing new, 校验 marks the element in error, 部署
deploys a new version, and the editors speak the page's language."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.model_diff import diff_contents

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
READY = "#designer[data-ready='1']"
RESULT = ".designer-message[data-state='ok'], .designer-message[data-state='error']"


@pytest.mark.parametrize("filename", ["enterprise_demand.bpmn", "unit_handling.bpmn",
                                      "routing.dmn", "sla.dmn"])
def test_saving_from_the_modeler_keeps_the_model(person, app, filename):
    designer = person("designer1")
    page = designer.page
    page.goto(f"/designer/edit/{filename}")
    page.wait_for_selector(READY, timeout=20000)
    if filename.endswith(".bpmn"):
        assert page.locator(".djs-element.djs-shape").count() > 20
    else:
        page.wait_for_selector(".tjs-table")
        assert page.locator(".tjs-table tbody tr").count() >= 5
    # No import warnings are left for the designer: unresolved variable references are kept.
    assert page.locator(".designer-message[data-state='warning']").count() == 0
    original = (WORKFLOWS / filename).read_text(encoding="utf-8")
    # What 校验 and 部署 send while nothing is changed: the file as deployed.
    assert page.evaluate("window.qisuDesigner.content()") == original
    saved = page.evaluate("window.qisuDesigner.xml()")  # the file as the modeler writes it
    diff = diff_contents(filename, original, saved)
    assert (diff["added"], diff["removed"], diff["changed"]) == ([], [], []), diff
    page.click("#validate")
    page.wait_for_selector(RESULT, timeout=20000)
    assert page.inner_text("#designer-result").strip() == "校验通过"
    # Nothing changed: 部署 is off, and the file as the modeler writes it again is no new version.
    assert page.is_disabled("#deploy")
    assert page.get_attribute("#deploy", "title") == "没有修改，无需部署"
    result = page.evaluate("""async (content) => {
      const response = await fetch("/designer/deploy", { method: "POST",
        headers: { "Content-Type": "application/json",
                   "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content },
        body: JSON.stringify({ filename: document.getElementById("designer").dataset.filename, content }) });
      return response.json();
    }""", saved)
    assert result["ok"] is True, result
    assert (result["deployment"]["id"], result["deployment"]["created"]) == (app.config["BASE_DEPLOYMENT_ID"], False)
    designer.shot(f"modeler-{filename}")


def test_validation_marks_the_element_in_error(person):
    designer = person("designer1")
    page = designer.page
    page.goto("/designer/edit/enterprise_demand.bpmn")
    page.wait_for_selector(READY, timeout=20000)
    page.evaluate("""async () => {
      const modeler = window.qisuDesigner.modeler;
      const flow = modeler.get("elementRegistry").get("flow_direct");
      modeler.get("modeling").updateModdleProperties(flow, flow.businessObject.conditionExpression,
                                                     { body: "kind.__class__" });
    }""")
    page.click("#validate")
    page.wait_for_selector(".designer-message[data-state='error']", timeout=20000)
    assert "enterprise_demand.bpmn#flow_direct" in page.inner_text("#designer-result")
    page.wait_for_selector(".djs-element.qisu-error[data-element-id='flow_direct']", state="attached", timeout=5000)
    designer.shot("validation-error")


def test_dmn_error_marks_the_cell(person):
    designer = person("designer1")
    page = designer.page
    page.goto("/designer/edit/routing.dmn")
    page.wait_for_selector(READY, timeout=20000)
    page.evaluate("""async () => {
      const modeler = window.qisuDesigner.modeler;
      const { xml } = await modeler.saveXML({ format: true });
      const doc = new DOMParser().parseFromString(xml, "application/xml");
      const entry = Array.from(doc.getElementsByTagName("*")).find(n => n.getAttribute("id") === "rule_14_domain");
      entry.getElementsByTagName("*")[0].textContent = '"税务".__class__';
      await modeler.importXML(new XMLSerializer().serializeToString(doc));
    }""")
    page.click("#validate")
    page.wait_for_selector(".designer-message[data-state='error']", timeout=20000)
    assert "routing.dmn#rule_14_domain" in page.inner_text("#designer-result")
    page.wait_for_selector("[data-element-id='rule_14_domain'].qisu-error-cell", timeout=5000)
    designer.shot("dmn-error")


def test_renaming_a_task_in_the_modeler_and_deploying(person, api, app):
    old_case = api.submit()["number"]
    designer = person("designer1")
    page = designer.page
    page.goto("/designer/edit/enterprise_demand.bpmn")
    page.wait_for_selector(READY, timeout=20000)
    assert page.is_disabled("#deploy")
    page.evaluate("""() => {
      const modeler = window.qisuDesigner.modeler;
      modeler.get("modeling").updateLabel(modeler.get("elementRegistry").get("dispatch"), "派单确认");
    }""")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#deploy")
    page.wait_for_selector(RESULT, timeout=20000)
    new_id = int(page.get_attribute("#designer", "data-deployment"))
    assert f"已部署为新版本 #{new_id}" in page.inner_text("#designer-result")
    assert page.is_disabled("#deploy")  # deployed: nothing left to deploy
    designer.shot("deployed")

    new_case = api.submit()["number"]
    dispatcher = api.as_("dispatcher1")
    assert dispatcher.task_for(new_case, "dispatch")["title"] == "派单确认"
    assert dispatcher.task_for(old_case, "dispatch")["title"] == "派单"

    page.goto(f"/designer/diff?file=enterprise_demand.bpmn&a={app.config['BASE_DEPLOYMENT_ID']}&b={new_id}")
    rows = page.locator("#diff-changed tbody tr")
    assert rows.count() == 1 and rows.first.get_attribute("data-element-id") == "dispatch"
    assert page.locator("#diff-added, #diff-removed").count() == 0
    designer.shot("diff")
    page.goto("/designer")
    assert page.locator("text=与上一版比较").count() >= 1
    designer.shot("designer")


def test_editors_speak_the_pages_language(person):
    designer = person("designer1")
    page = designer.page
    page.goto("/designer/edit/enterprise_demand.bpmn")
    page.wait_for_selector(READY, timeout=20000)
    assert page.get_attribute(".djs-palette [data-action='create.task']", "aria-label") == "创建任务"
    page.goto("/designer/edit/routing.dmn")
    page.wait_for_selector(".tjs-table", timeout=20000)
    assert page.inner_text(".hit-policy .dms-label").strip() == "命中策略："
    assert page.inner_text(".hit-policy .dms-input").strip() == "首条"  # hitPolicy FIRST
    assert page.inner_text(".input-cell .clause >> nth=0").strip() == "当"
    assert page.inner_text(".output-cell .clause >> nth=0").strip() == "则"
    assert page.inner_text(".view-drd-button").strip() == "查看决策需求图"
    # Texts dmn-js writes without translate() or that the page adds: column types, handles, tabs.
    assert page.inner_text("#dmn-views button >> nth=0").strip() == "决策需求图"
    assert page.inner_text(".input-cell .input-variable >> nth=0").strip() == "字符串"
    assert page.get_attribute(".resize-column-handle >> nth=0", "title") == "调整宽度"
    assert page.get_attribute(".input-cell .dmn-icon-drag >> nth=0", "title") == "移动输入列"
    assert page.get_attribute(".output-cell .dmn-icon-drag >> nth=0", "title") == "移动输出列"
    designer.shot("dmn-zh")
    # Still right when the editor updates the count after it was translated.
    assert search_counts(page, "zzz", "服务任务", "zzz") == ["0 个结果", "1 个结果", "0 个结果"]
    designer.shot("replace-menu-zh")

    page.goto("/lang/en")
    page.goto("/designer/edit/routing.dmn")
    page.wait_for_selector(".tjs-table", timeout=20000)
    assert page.inner_text(".hit-policy .dms-input").strip() == "First"
    assert page.inner_text(".view-drd-button").strip() == "View DRD"
    assert page.inner_text("#dmn-views button >> nth=0").strip() == "DRD"
    assert page.get_attribute(".input-cell .dmn-icon-drag >> nth=0", "title") == "Move Input"
    assert search_counts(page, "zzz") == ["0 results found"]
    page.goto("/designer/edit/enterprise_demand.bpmn")
    page.wait_for_selector(READY, timeout=20000)
    assert page.get_attribute(".djs-palette [data-action='create.task']", "aria-label") == "Create task"


def search_counts(page, *queries: str) -> list[str]:
    """The replace menu (更改元素类型) of the task `dispatch` searched for each of `queries` in
    turn: the result count it shows."""
    page.goto("/designer/edit/enterprise_demand.bpmn")
    page.wait_for_selector(READY, timeout=20000)
    page.click(".djs-element[data-element-id='dispatch']")
    page.click(".djs-context-pad .entry[data-action='replace']")
    counts = []
    for query in queries:
        page.fill(".djs-popup-search input", query)
        page.press(".djs-popup-search input", "End")  # the menu searches on keyup
        count = page.locator(".djs-popup-search-count")
        count.wait_for(timeout=5000)
        page.wait_for_timeout(150)  # the editor renders, then the translation runs
        counts.append(" ".join(count.inner_text().split()))
    return counts
