"""The designer's properties panel, lint, token simulation and first view in the browser: a timer,
a gateway condition, a service task's action and a user task's form changed in the panel and
written as the engine reads them; conditions checked by the server at the field; the modeler's
lint and the server's reporting the same issues on the same file; a token run through the process."""
from __future__ import annotations

from pathlib import Path

from app.engine.lint import lint_bpmn
from app.engine.xml import parse_xml
from app.services import process_lint
from app.services.actions import OPERATORS
from app.services.deployments import read_directory

ROOT = Path(__file__).resolve().parents[2]
READY = "#designer[data-ready='1']"
RESULT = ".designer-message[data-state='ok'], .designer-message[data-state='error']"


def open_modeler(person, filename="enterprise_demand.bpmn"):
    designer = person("designer1")
    page = designer.page
    page.goto(f"/designer/edit/{filename}")
    page.wait_for_selector(READY, timeout=20000)
    return designer, page


def select(page, element_id):
    """Select an element as a click on it would (it may lie outside the readable first view)."""
    page.evaluate("""(id) => {
      const modeler = window.qisuDesigner.modeler;
      const element = modeler.get("elementRegistry").get(id);
      modeler.get("canvas").scrollToElement(element);
      modeler.get("selection").select(element);
    }""", element_id)


def group(page, group_id):
    """Open a group of the properties panel (closed by default) and return it."""
    locator = page.locator(f".bio-properties-panel-group[data-group-id='group-{group_id}']")
    locator.wait_for(timeout=5000)
    if locator.locator(".bio-properties-panel-group-entries.open").count() == 0:
        locator.locator(".bio-properties-panel-group-header").click()
    return locator


def saved_xml(page):
    return parse_xml(page.evaluate("window.qisuDesigner.xml()"))


def test_the_modeler_opens_readable_with_a_minimap(person):
    designer, page = open_modeler(person)
    assert float(page.get_attribute("#designer", "data-zoom")) >= 0.75
    assert page.locator(".djs-minimap.open").count() == 1
    # the first view starts at the process's start: its start event is on screen
    box = page.locator(".djs-element[data-element-id='start']").bounding_box()
    canvas = page.locator("#canvas").bounding_box()
    assert canvas["x"] <= box["x"] <= canvas["x"] + canvas["width"]
    assert canvas["y"] <= box["y"] <= canvas["y"] + canvas["height"]
    assert page.inner_text("#lint-summary").strip() == "规则检查通过"
    designer.shot("modeler-first-view")


def field(page, entry_id):
    return page.locator(f"#bio-properties-panel-{entry_id}")


def model(page, script, element_id):
    """Evaluate `script` (a function of the element's business object) in the modeler."""
    return page.evaluate(f"""(id) => {{
      const bo = window.qisuDesigner.modeler.get("elementRegistry").get(id).businessObject;
      return ({script})(bo);
    }}""", element_id)


def deploy(page):
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#deploy")
    page.wait_for_selector(RESULT, timeout=20000)
    assert "已部署为新版本" in page.inner_text("#designer-result"), page.inner_text("#designer-result")


def test_changing_a_timer_in_the_panel(person, app):
    designer, page = open_modeler(person)
    select(page, "timer_rating_due")
    timer = group(page, "timer")
    words = timer.locator(".qisu-timer-words")
    assert words.inner_text() == '定时：由表达式 rating_window["due"] 给出的时间'
    field(page, "timerEventDefinitionType").select_option("timeDuration")
    value = field(page, "timerEventDefinitionValue")
    value.fill("PT45M")  # unquoted: SpiffWorkflow would read a variable name
    page.wait_for_selector(".qisu-error-note >> text=须加引号", timeout=5000)
    value.fill('"PT45M"')
    page.wait_for_function("""() => {
      const bo = window.qisuDesigner.modeler.get("elementRegistry").get("timer_rating_due").businessObject;
      return bo.eventDefinitions[0].timeDuration && bo.eventDefinitions[0].timeDuration.body === '"PT45M"';
    }""", timeout=5000)
    assert words.inner_text() == "定时：45 分钟后"
    page.wait_for_selector("#lint-summary[data-count='0']", timeout=5000)
    designer.shot("timer-in-words")
    page.click("#validate")
    page.wait_for_selector(RESULT, timeout=20000)
    assert page.inner_text("#designer-result").strip() == "校验通过"
    deploy(page)
    deployed = parse_xml(page.evaluate("""async () => (await fetch("/designer/file/enterprise_demand.bpmn")).text()"""))
    definition = deployed.xpath("//*[@id='timer_rating_due_definition']")[0]
    assert [(child.tag.split("}")[1], child.text) for child in definition] == [("timeDuration", '"PT45M"')]


def test_a_gateway_condition_is_checked_at_the_field_and_by_lint(person):
    designer, page = open_modeler(person)
    select(page, "flow_praise")
    group(page, "qisu-condition")
    condition = field(page, "qisu-condition-expression")
    assert condition.input_value() == 'kind == "表扬"'
    condition.fill("kind.__class__")
    error = page.locator("[data-qisu-entry='qisu-condition-expression'] .qisu-code-error")
    error.wait_for(timeout=5000)
    assert error.inner_text().startswith("脚本或表达式不被允许")
    designer.shot("condition-refused")
    condition.fill('kind in ("表扬", "感谢")')
    error.wait_for(state="detached", timeout=5000)
    assert model(page, "(bo) => bo.conditionExpression.body", "flow_praise") == 'kind in ("表扬", "感谢")'
    # Without its condition, the gateway has a flow that is neither conditioned nor its default.
    condition.fill("")
    issue = page.locator("#lint-summary li[data-element-id='gw_kind'][data-rule='gateway-default']")
    issue.wait_for(state="attached", timeout=5000)
    assert "除默认流外的每条出口都须有条件" in issue.text_content()
    page.click("#validate")
    page.wait_for_selector(".designer-message[data-state='error']", timeout=20000)
    assert "enterprise_demand.bpmn#gw_kind" in page.inner_text("#designer-result")  # the same rule as lint
    assert "排他网关除默认流外的每条出口都须有条件" in page.inner_text("#designer-result")
    designer.shot("gateway-lint")


def test_service_task_action_and_user_task_form_from_what_exists(person):
    designer, page = open_modeler(person)
    select(page, "close_direct")
    service = group(page, "qisu-service-task")
    action = field(page, "qisu-action")
    assert action.input_value() == "close_case"
    assert "P3" in service.locator(".qisu-note").first.inner_text()  # the action's help
    assert field(page, "qisu-param-status").input_value() == '"direct_replied"'
    options = action.locator("option").all_inner_texts()
    assert "notify_enterprise" in options and "assign_unit" in options
    action.select_option("notify_enterprise")
    field(page, "qisu-param-template").wait_for(timeout=5000)  # the parameters of the new action
    assert model(page, "(bo) => bo.extensionElements.values[0].id", "close_direct") == "notify_enterprise"
    # close_case's `status` is no parameter of notify_enterprise: it goes with the old action
    assert field(page, "qisu-param-status").count() == 0
    assert model(page, "(bo) => bo.extensionElements.values[0].parameterList.parameters.length", "close_direct") == 0

    select(page, "dispatch")
    user = group(page, "qisu-user-task")
    form = field(page, "qisu-form")
    assert form.input_value() == "dispatch.schema.json"
    assert "派单员 → 派单员" in user.inner_text()
    form.select_option("")
    page.wait_for_selector("#lint-summary li[data-element-id='dispatch'][data-rule='user-task-form']",
                           state="attached", timeout=5000)
    form.select_option("review_return.schema.json")
    xml = saved_xml(page)
    task = xml.xpath("//*[@id='dispatch']")[0]
    values = {p.get("name"): p.get("value") for p in task.iter("{*}property")}
    assert values["formJsonSchemaFilename"] == "review_return.schema.json"
    designer.shot("form-picker")


def test_the_modeler_and_the_server_lint_the_same(person):
    designer, page = open_modeler(person)
    broken = (ROOT / "tests" / "data" / "lint_broken.bpmn").read_text(encoding="utf-8")
    browser = page.evaluate("""async (xml) => {
      const moddle = window.qisuDesigner.modeler.get("moddle");
      const { rootElement } = await moddle.fromXML(xml);
      return window.QisuLint.lint(rootElement, window.qisuDesigner.catalog);
    }""", broken)
    catalog = process_lint.lint_catalog(read_directory(ROOT / "workflows"), OPERATORS)
    server = lint_bpmn(parse_xml(broken), catalog)
    assert sorted((i["rule"], i["element_id"], i["message"]) for i in browser) == \
        sorted((i.rule, i.element_id, i.message) for i in server)
    assert len(server) == 12


def test_token_simulation_runs_a_token_through_the_process(person):
    designer, page = open_modeler(person)
    page.click(".bts-toggle-mode")
    page.wait_for_selector(".bts-toggle-mode >> text=令牌模拟")
    page.wait_for_selector(".bjs-container.simulation", state="attached", timeout=5000)
    start = page.locator("[data-container-id='start'] .bts-context-pad")
    start.click()
    # The simulation's log follows the token: the start event, then the elements after it.
    page.wait_for_selector(".bts-log .bts-entry >> text=诉求受理", state="attached", timeout=10000)
    page.wait_for_function("document.querySelectorAll('.bts-log .bts-entry').length >= 3", timeout=10000)
    designer.shot("token-simulation")


def test_call_activity_decision_and_signal_in_the_panel(person):
    designer, page = open_modeler(person)
    select(page, "handle")
    group(page, "qisu-call")
    called = field(page, "qisu-called-element")
    assert called.input_value() == "unit_handling"
    assert "enterprise_demand" in called.locator("option").all_inner_texts()
    select(page, "route")
    group(page, "qisu-decision")
    assert field(page, "qisu-decision-id").input_value() == "routing"
    field(page, "qisu-decision-id").select_option("sla")
    assert model(page, "(bo) => bo.extensionElements.values[0].value", "route") == "sla"

    page.goto("/designer/edit/unit_handling.bpmn")
    page.wait_for_selector(READY, timeout=20000)
    select(page, "start_extension")
    signal = group(page, "signal")
    assert "extension_requested" in signal.inner_text()
    select(page, "sign")
    group(page, "qisu-user-task")
    assert "承办单位 → 承办单位业务专员" in page.inner_text("#properties")
    # the other user task properties the engine reads
    assert field(page, "qisu-property-caseStatus").input_value() == "signing"
    clock = field(page, "qisu-property-deadlineClock")
    assert clock.input_value() == "response" and "响应时限（response）" in clock.inner_text()
    clock.select_option("solution")
    task = saved_xml(page).xpath("//*[@id='sign']")[0]
    assert {p.get("name"): p.get("value") for p in task.iter("{*}property")}["deadlineClock"] == "solution"
    select(page, "co_handle")
    group(page, "qisu-scripts")
    assert field(page, "qisu-post-script").input_value() == 'co_opinion = {"unit": co_unit, "opinion": co_opinion}'
    designer.shot("panel-unit-handling")


def test_the_panel_speaks_english_on_english_pages(person):
    designer, page = open_modeler(person)
    page.goto("/lang/en")
    page.goto("/designer/edit/enterprise_demand.bpmn")
    page.wait_for_selector(READY, timeout=20000)
    select(page, "dispatch")
    group(page, "qisu-user-task")
    panel = page.inner_text("#properties")
    assert "User task" in panel and "Form (workflows/forms/)" in panel and "General" in panel
    assert "派单员 → Dispatcher" in panel  # the lane keeps its name; the role is in English
    assert page.inner_text("#lint-summary").strip() == "Lint: no issues"
    assert page.inner_text(".bts-toggle-mode").strip() == "Token Simulation"
