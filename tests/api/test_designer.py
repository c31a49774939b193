"""The process designer's pages: files and versions, the modeler, validate, deploy, compare."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from app.db.models import Deployment

from app.services import deployments, process_diff
from tests.support import logged_in

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
MAIN = (WORKFLOWS / "enterprise_demand.bpmn").read_text(encoding="utf-8")
RELABELLED = MAIN.replace('<bpmn:userTask id="dispatch" name="派单">',
                          '<bpmn:userTask id="dispatch" name="派单确认">')
# A condition the sandbox refuses, on the sequence flow `flow_direct`.
BROKEN = MAIN.replace('kind == "咨询" and direct_reply != ""', "kind.__class__")


def post_json(client, url, body):
    return client.post(url, json=body, headers={"X-CSRFToken": client.csrf})


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


@pytest.fixture
def designer(app):
    return logged_in(app, "designer1")


def test_designer_page_lists_files_with_versions_and_deployments(app, api, designer):
    base = app.config["BASE_DEPLOYMENT_ID"]
    api.submit()  # an open case on the base deployment
    page = designer.get("/designer")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    for name in ("enterprise_demand.bpmn", "unit_handling.bpmn", "routing.dmn", "sla.dmn",
                 "forms/dispatch.schema.json"):
        assert f'href="/designer/edit/{name}"' in body, name
    # Each file's versions: the short content hash of the deployed version, in the base deployment.
    digest = deployments.sha256(MAIN)[:10]
    section = body[body.index('id="file-enterprise_demand.bpmn"'):body.index('id="file-unit_handling.bpmn"')]
    assert digest in section and "当前" in section
    assert f'href="/designer/deployments/{base}"' in section
    # The deployments table: one open case, none closed, and a link to the cases.
    row = re.search(rf"<tr>\s*<td>#{base} .*?</tr>", body, re.S).group(0)
    cells = [c.strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
    assert cells[4:6] == ["1", "0"], cells


def test_deployment_page_lists_its_running_cases(app, api, designer):
    base = app.config["BASE_DEPLOYMENT_ID"]
    number = api.submit()["number"]
    page = designer.get(f"/designer/deployments/{base}")
    assert page.status_code == 200
    assert f'href="/cases/{number}"' in page.get_data(as_text=True)
    assert "派单" in text(page)  # the case's current step
    assert designer.get("/designer/deployments/999999").status_code == 404


def test_edit_page_opens_the_modeler_with_the_files_xml(designer):
    page = designer.get("/designer/edit/enterprise_demand.bpmn")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "/vendor/bpmn-js/dist/bpmn-modeler.production.min.js" in body
    assert "/vendor/bpmn-js/dist/assets/bpmn-js.css" in body
    assert "js/modeler.js" in body and "js/modeler-zh.js" in body  # the editors' Chinese texts
    assert "内容未变化，沿用部署 #{id}" in body and "没有修改，无需部署" in body
    assert 'data-source="/designer/file/enterprise_demand.bpmn"' in body
    assert "校验" in body and "部署" in body
    raw = designer.get("/designer/file/enterprise_demand.bpmn")
    assert raw.status_code == 200 and raw.mimetype == "application/xml"
    assert raw.get_data(as_text=True) == MAIN
    assert "sandbox" in raw.headers["Content-Security-Policy"]

    dmn = designer.get("/designer/edit/routing.dmn").get_data(as_text=True)
    assert "/vendor/dmn-js/dist/dmn-modeler.production.min.js" in dmn
    assert "dmn-js-decision-table.css" in dmn and "bpmn-modeler" not in dmn
    assert designer.get("/designer/file/routing.dmn").get_data(as_text=True) == \
        (WORKFLOWS / "routing.dmn").read_text(encoding="utf-8")

    form = designer.get("/designer/edit/forms/dispatch.schema.json").get_data(as_text=True)
    assert '<textarea id="source"' in form and "modeler.production" not in form
    assert designer.get("/designer/file/forms/dispatch.schema.json").mimetype == "application/json"
    assert designer.get("/designer/edit/nope.bpmn").status_code == 404
    assert designer.get("/designer/file/../../etc/passwd").status_code == 404


def test_modeler_assets_are_served(app):
    client = app.test_client()
    for path in ("/vendor/bpmn-js/dist/bpmn-modeler.production.min.js",
                 "/vendor/bpmn-js/dist/assets/diagram-js.css",
                 "/vendor/bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css",
                 "/vendor/dmn-js/dist/dmn-modeler.production.min.js",
                 "/vendor/dmn-js/dist/assets/dmn-js-decision-table.css",
                 "/static/web/js/modeler.js", "/static/web/js/modeler-zh.js",
                 "/static/web/css/designer.css"):
        assert client.get(path).status_code == 200, path


def test_validate_reports_the_file_and_element(designer):
    response = post_json(designer, "/designer/validate", {"filename": "enterprise_demand.bpmn",
                                                          "content": BROKEN})
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is False
    [error] = body["errors"]
    assert error["file"] == "enterprise_demand.bpmn" and error["element_id"] == "flow_direct"
    assert error["where"] == "enterprise_demand.bpmn#flow_direct" and "__class__" in error["message"]

    ok = post_json(designer, "/designer/validate", {"filename": "enterprise_demand.bpmn",
                                                    "content": RELABELLED}).get_json()
    assert ok == {"ok": True, "errors": []}


def test_validate_names_the_element_when_the_file_is_not_named(designer):
    """SpiffWorkflow reports some errors (here a missing form) without the file: it is found."""
    content = MAIN.replace('value="dispatch.schema.json"', 'value="missing.schema.json"')
    body = post_json(designer, "/designer/validate", {"filename": "enterprise_demand.bpmn",
                                                      "content": content}).get_json()
    assert body["ok"] is False
    assert body["errors"][0]["where"] == "enterprise_demand.bpmn#dispatch"
    assert "missing.schema.json" in body["errors"][0]["message"]


def test_validate_writes_nothing(app, designer):
    before = deployments.list_deployments(app.extensions["qisu"])
    post_json(designer, "/designer/validate", {"filename": "enterprise_demand.bpmn", "content": RELABELLED})
    assert deployments.list_deployments(app.extensions["qisu"]) == before


def test_validate_refuses_malformed_xml_and_unknown_files(designer):
    body = post_json(designer, "/designer/validate", {"filename": "routing.dmn",
                                                      "content": "<definitions><x></definitions>"}).get_json()
    assert body["ok"] is False and body["errors"][0]["file"] == "routing.dmn"
    assert "XML" in body["errors"][0]["message"]
    body = post_json(designer, "/designer/validate", {"filename": "evil.py", "content": "x"}).get_json()
    assert body["ok"] is False and body["errors"][0]["where"] == "filename"
    assert post_json(designer, "/designer/validate", {"filename": "a.bpmn"}).status_code == 400


def test_deploying_a_label_change_applies_to_new_cases_only(app, api, designer):
    base = app.config["BASE_DEPLOYMENT_ID"]
    old_case = api.submit()["number"]

    response = post_json(designer, "/designer/deploy", {"filename": "enterprise_demand.bpmn",
                                                        "content": RELABELLED})
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["ok"] is True and result["deployment"]["created"] is True
    new_id = result["deployment"]["id"]
    assert new_id != base
    new_case = api.submit()["number"]

    dispatcher = api.as_("dispatcher1")
    assert dispatcher.task_for(new_case, "dispatch")["title"] == "派单确认"
    assert dispatcher.task_for(old_case, "dispatch")["title"] == "派单"
    supervisor = api.as_("supervisor1")
    assert supervisor.get(f"/api/cases/{old_case}").json["deployment_id"] == base
    assert supervisor.get(f"/api/cases/{new_case}").json["deployment_id"] == new_id

    # The designer page shows the new version as current, and one open case on each deployment.
    page = designer.get("/designer").get_data(as_text=True)
    section = page[page.index('id="file-enterprise_demand.bpmn"'):page.index('id="file-unit_handling.bpmn"')]
    assert deployments.sha256(RELABELLED)[:10] in section
    assert f"/designer/diff?file=enterprise_demand.bpmn&amp;a={base}&amp;b={new_id}" in section
    for deployment_id in (base, new_id):
        row = re.search(rf"<tr>\s*<td>#{deployment_id} .*?</tr>", page, re.S).group(0)
        assert [c.strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)][4:6] == ["1", "0"]
    cases = designer.get(f"/designer/deployments/{new_id}").get_data(as_text=True)
    assert new_case in cases and old_case not in cases

    # Deploying the same content again creates nothing.
    again = post_json(designer, "/designer/deploy", {"filename": "enterprise_demand.bpmn",
                                                     "content": RELABELLED}).get_json()
    assert again["ok"] is True and again["deployment"] == result["deployment"] | {"created": False}


def resaved(text: str) -> str:
    """`text` as a modeler writes it again: other indentation and attribute order, &#34; for
    &quot;, the diagram's shapes in another order, default values left out, another exporter."""
    root = etree.fromstring(text.encode("utf-8"))
    for node in root.iter("{*}*"):
        attributes = list(node.attrib.items())[::-1]
        node.attrib.clear()
        for name, value in attributes:
            if (name, value) not in {("hitPolicy", "UNIQUE"), ("cancelActivity", "true")}:
                node.set(name, value)
    for plane in root.iter("{*}BPMNPlane", "{*}DMNDiagram"):
        plane[:] = list(plane)[::-1]
    root.set("exporter", "bpmn-js")
    etree.indent(root, space="    ")
    return etree.tostring(root, encoding="unicode").replace("&quot;", "&#34;")


def deployment_count(app) -> int:
    with app.extensions["qisu"].uow() as uow:
        return len(uow.session.scalars(select(Deployment)).all())


@pytest.mark.parametrize("filename", ["enterprise_demand.bpmn", "unit_handling.bpmn", "routing.dmn"])
def test_deploying_an_unchanged_file_saved_again_reuses_the_deployment(app, designer, filename):
    base = app.config["BASE_DEPLOYMENT_ID"]
    original = (WORKFLOWS / filename).read_text(encoding="utf-8")
    content = resaved(original)
    assert content != original and deployments.same_content(filename, original, content)
    response = post_json(designer, "/designer/deploy", {"filename": filename, "content": content})
    assert response.status_code == 200, response.get_json()
    deployment = response.get_json()["deployment"]
    assert (deployment["id"], deployment["created"]) == (base, False)
    assert deployment_count(app) == 1
    # The file keeps its deployed text: no new version is listed.
    assert designer.get(f"/designer/file/{filename}").get_data(as_text=True) == original
    page = designer.get("/designer").get_data(as_text=True)
    assert re.findall(r"<td>#(\d+) ", page) == [str(base)]


def test_deploying_an_unchanged_form_reformatted_reuses_the_deployment(app, designer):
    filename = "forms/dispatch.schema.json"
    original = (WORKFLOWS / filename).read_text(encoding="utf-8")
    content = json.dumps(json.loads(original), ensure_ascii=False, indent=4)
    deployment = post_json(designer, "/designer/deploy",
                           {"filename": filename, "content": content}).get_json()["deployment"]
    assert (deployment["id"], deployment["created"]) == (app.config["BASE_DEPLOYMENT_ID"], False)


def test_moving_a_shape_or_reordering_rules_is_a_new_version(app, designer):
    """The layout and the order of a decision table's rules are part of the file."""
    moved = MAIN.replace('<bpmndi:BPMNShape id="dispatch_di" bpmnElement="dispatch">\n        <dc:Bounds x="',
                         '<bpmndi:BPMNShape id="dispatch_di" bpmnElement="dispatch">\n        <dc:Bounds x="1')
    assert moved != MAIN
    first = post_json(designer, "/designer/deploy", {"filename": "enterprise_demand.bpmn",
                                                     "content": resaved(moved)}).get_json()
    assert first["ok"] and first["deployment"]["created"] is True

    dmn = (WORKFLOWS / "routing.dmn").read_text(encoding="utf-8")
    rules = re.findall(r"\s*<rule id=.*?</rule>", dmn, re.S)
    swapped = dmn.replace(rules[0] + rules[1], rules[1] + rules[0])
    assert swapped != dmn
    second = post_json(designer, "/designer/deploy", {"filename": "routing.dmn", "content": swapped}).get_json()
    assert second["ok"] and second["deployment"]["created"] is True
    assert second["deployment"]["id"] != first["deployment"]["id"]
    assert deployment_count(app) == 3


def test_deploy_reports_errors_with_the_element(app, designer):
    response = post_json(designer, "/designer/deploy", {"filename": "enterprise_demand.bpmn",
                                                        "content": BROKEN})
    assert response.status_code == 422
    body = response.get_json()
    assert body["ok"] is False
    assert body["errors"][0]["element_id"] == "flow_direct"
    assert body["errors"][0]["file"] == "enterprise_demand.bpmn"
    assert [d["id"] for d in deployments.list_deployments(app.extensions["qisu"])] == \
        [app.config["BASE_DEPLOYMENT_ID"]]


def test_diff_shows_the_renamed_task_only(app, designer):
    rt = app.extensions["qisu"]
    base = app.config["BASE_DEPLOYMENT_ID"]
    new_id = post_json(designer, "/designer/deploy", {"filename": "enterprise_demand.bpmn",
                                                      "content": RELABELLED}).get_json()["deployment"]["id"]
    diff = process_diff.diff_versions(rt, "enterprise_demand.bpmn", base, new_id)
    assert diff["added"] == [] and diff["removed"] == []
    [changed] = diff["changed"]
    assert changed["id"] == "dispatch" and changed["tag"] == "userTask"
    assert (changed["name_a"], changed["name"]) == ("派单", "派单确认")
    assert changed["name_changed"] and not changed["type_changed"]
    assert changed["attributes"] == [] and changed["content_added"] == changed["content_removed"] == []
    # Other files did not change between the two deployments.
    same = process_diff.diff_versions(rt, "routing.dmn", base, new_id)
    assert same["identical"] and not (same["added"] or same["removed"] or same["changed"])

    page = designer.get(f"/designer/diff?file=enterprise_demand.bpmn&a={base}&b={new_id}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert re.findall(r'<tr data-element-id="([^"]+)"', body) == ["dispatch"]
    assert 'id="diff-added"' not in body and 'id="diff-removed"' not in body
    assert "<del>派单</del> → <ins>派单确认</ins>" in body
    # The element type in words; the raw tag stays in data-tag.
    row = re.search(r'<tr data-element-id="dispatch">.*?</tr>', body, re.S).group(0)
    assert '<span class="muted" data-tag="userTask">用户任务</span>' in row
    assert "userTask<" not in row
    designer.get("/lang/en")
    english = designer.get(f"/designer/diff?file=enterprise_demand.bpmn&a={base}&b={new_id}")
    assert '<span class="muted" data-tag="userTask">User task</span>' in english.get_data(as_text=True)


def test_diff_ignores_layout_and_lists_added_removed_and_changed(app, designer):
    rt = app.extensions["qisu"]
    base = app.config["BASE_DEPLOYMENT_ID"]
    dispatch_shape = re.search(r'<bpmndi:BPMNShape id="dispatch_di".*?</bpmndi:BPMNShape>', MAIN, re.S).group(0)
    moved = dispatch_shape.replace('x="', 'x="1', 1)
    content = (MAIN.replace(dispatch_shape, moved)
               .replace('<bpmn:documentation>派单员确认', '<bpmn:documentation>派单员先核对,再确认')
               .replace('exporter="QiSu"', 'exporter="bpmn-js"'))
    # A new text annotation (an element with an id) in the main process.
    content = content.replace("</bpmn:process>", '<bpmn:textAnnotation id="note_1"><bpmn:text>说明</bpmn:text>'
                                                 "</bpmn:textAnnotation></bpmn:process>", 1)
    result = post_json(designer, "/designer/deploy", {"filename": "enterprise_demand.bpmn", "content": content})
    assert result.status_code == 200, result.get_json()
    new_id = result.get_json()["deployment"]["id"]
    diff = process_diff.diff_versions(rt, "enterprise_demand.bpmn", base, new_id)
    assert [e["id"] for e in diff["added"]] == ["note_1"] and diff["removed"] == []
    [changed] = diff["changed"]  # the moved shape (layout) and the exporter stamp do not count
    assert changed["id"] == "dispatch" and not changed["name_changed"]
    assert any("派单员先核对" in line for line in changed["content_added"])
    assert any("派单员确认" in line for line in changed["content_removed"])
    reverse = process_diff.diff_versions(rt, "enterprise_demand.bpmn", new_id, base)
    assert [e["id"] for e in reverse["removed"]] == ["note_1"] and reverse["added"] == []


def test_diff_of_forms_compares_properties(app, designer):
    rt = app.extensions["qisu"]
    base = app.config["BASE_DEPLOYMENT_ID"]
    original = (WORKFLOWS / "forms" / "sign.schema.json").read_text(encoding="utf-8")
    schema = json.loads(original)
    schema.setdefault("properties", {})["urgent_note"] = {"type": "string", "title": "紧急备注"}
    response = post_json(designer, "/designer/deploy", {"filename": "forms/sign.schema.json",
                                                        "content": json.dumps(schema, ensure_ascii=False)})
    assert response.status_code == 200, response.get_json()
    diff = process_diff.diff_versions(rt, "forms/sign.schema.json", base, response.get_json()["deployment"]["id"])
    assert [(e["id"], e["name"]) for e in diff["added"]] == [("urgent_note", "紧急备注")]
    assert diff["removed"] == [] and diff["changed"] == []
    page = designer.get(f"/designer/diff?file=forms/sign.schema.json&a={base}&b={diff['b']}")
    assert "urgent_note 表单字段 紧急备注" in text(page) and "property" not in text(page)


def test_diff_names_element_types_in_words(app):
    """The tags of process_diff (here a type change) in words on the diff page, in both languages."""
    from flask import render_template

    from app.web.pages_designer import element_type
    gateway = '<bpmn:exclusiveGateway id="gw_direct" '
    assert gateway in MAIN
    diff = process_diff.diff_contents("enterprise_demand.bpmn", MAIN,
                                      MAIN.replace(gateway, '<bpmn:inclusiveGateway id="gw_direct" ')
                                      .replace("</bpmn:exclusiveGateway>", "</bpmn:inclusiveGateway>", 1))
    changed = {c["id"]: c for c in diff["changed"]}
    assert changed["gw_direct"]["type_changed"]
    assert (changed["gw_direct"]["tag_a"], changed["gw_direct"]["tag"]) == ("exclusiveGateway", "inclusiveGateway")
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        page = render_template("designer_diff.html", overview={"files": [], "deployments": []},
                               filename="enterprise_demand.bpmn", a=1, b=2, error=None,
                               diff={"filename": "enterprise_demand.bpmn", "a": 1, "b": 2} | diff)
    row = re.search(r'<tr data-element-id="gw_direct">.*?</tr>', page, re.S).group(0)
    assert "类型：<del>排他网关</del> → <ins>包容网关</ins>" in row
    assert 'data-tag="inclusiveGateway">包容网关</span>' in row
    expected = {"userTask": "用户任务", "serviceTask": "服务任务", "exclusiveGateway": "排他网关",
                "inclusiveGateway": "包容网关", "sequenceFlow": "顺序流", "timerEventDefinition": "定时事件",
                "rule": "决策表规则", "property": "表单字段"}
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        assert {tag: element_type(tag) for tag in expected} == expected
        assert element_type("somethingNew") == "somethingNew"
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert element_type("userTask") == "User task" and element_type("rule") == "Decision table rule"


def test_bpmn_names_use_full_width_punctuation_and_have_english():
    from app.web.i18n import EN
    names = []
    for path in sorted(WORKFLOWS.glob("*.bpmn")):
        root = etree.parse(str(path)).getroot()
        names += [n.get("name") for n in root.iter() if isinstance(n.tag, str) and n.get("name")]
    chinese = [n for n in names if re.search(r"[\u4e00-\u9fff]", n)]
    assert not [n for n in chinese if re.search(r"[?()]", n)]
    for name in ("可直接答复？", "签收还是退单？", "红名单？", "响应（响应时限）", "办理（办结时限）"):
        assert name in names
    for name in chinese:
        if re.search(r"[？（]", name):
            assert name in EN, name


def test_diff_of_an_unknown_deployment_is_an_error_on_the_page(designer):
    page = designer.get("/designer/diff?file=enterprise_demand.bpmn&a=1&b=999999")
    assert page.status_code == 200 and "部署不存在" in text(page)


def test_other_roles_cannot_use_the_designer(app, api):
    agent = logged_in(app, "agent1")
    assert agent.get("/designer").status_code == 403
    assert agent.get("/designer/edit/enterprise_demand.bpmn").status_code == 403
    assert agent.get("/designer/file/enterprise_demand.bpmn").status_code == 403
    assert agent.get("/designer/diff").status_code == 403
    for url in ("/designer/validate", "/designer/deploy"):
        response = post_json(agent, url, {"filename": "enterprise_demand.bpmn", "content": RELABELLED})
        assert response.status_code == 403 and response.get_json()["ok"] is False
    assert app.test_client().get("/designer").status_code == 302  # to the login page
    # An administrator sees the designer but deploys nothing (as with the API).
    admin = logged_in(app, "admin1")
    assert admin.get("/designer").status_code == 200
    edit = admin.get("/designer/edit/enterprise_demand.bpmn").get_data(as_text=True)
    assert 'id="deploy"' not in edit
    assert post_json(admin, "/designer/deploy", {"filename": "enterprise_demand.bpmn",
                                                 "content": RELABELLED}).status_code == 403


def test_deploy_needs_the_csrf_header(designer):
    response = designer.post("/designer/deploy", json={"filename": "enterprise_demand.bpmn",
                                                        "content": RELABELLED})
    assert response.status_code == 400


def test_designer_pages_in_english(designer):
    designer.get("/lang/en")
    page = text(designer.get("/designer"))
    assert "Process design" in page and "Content hash" in page and "Open cases" in page
    edit = designer.get("/designer/edit/enterprise_demand.bpmn").get_data(as_text=True)
    assert ">Validate<" in edit and ">Deploy<" in edit
    assert "modeler-zh.js" not in edit and "Nothing changed; still deployment #{id}" in edit


def test_validate_api(api):
    designer = api.as_("designer1")
    ok = designer.post("/api/deployments/validate", json={"filename": "enterprise_demand.bpmn",
                                                          "content": RELABELLED})
    assert ok.status == 200 and ok.json == {"ok": True, "errors": {}}
    broken = designer.post("/api/deployments/validate", json={"filename": "enterprise_demand.bpmn",
                                                              "content": BROKEN})
    assert broken.status == 200 and broken.json["ok"] is False
    assert list(broken.json["errors"]) == ["enterprise_demand.bpmn#flow_direct"]
    assert designer.get("/api/deployments").json[0]["id"] == api.app.config["BASE_DEPLOYMENT_ID"]
    for user in ("agent1", "dispatcher1", "ent2"):
        assert api.as_(user).post("/api/deployments/validate", json={
            "filename": "enterprise_demand.bpmn", "content": RELABELLED}).status == 403
    assert api.anonymous().post("/api/deployments/validate", json={
        "filename": "enterprise_demand.bpmn", "content": RELABELLED}).status == 401
    assert designer.post("/api/deployments/validate", json={"filename": "x.bpmn"}).status == 422
    doc = api.client.get("/api/openapi.json").get_json()
    operation = doc["paths"]["/api/deployments/validate"]["post"]
    assert operation["requestBody"] and "200" in operation["responses"]


def test_diff_treats_a_default_attribute_as_absent():
    routing = (WORKFLOWS / "routing.dmn").read_text(encoding="utf-8")
    assert 'hitPolicy="UNIQUE"' in routing
    same = process_diff.diff_contents("routing.dmn", routing, routing.replace(' hitPolicy="UNIQUE"', ""))
    assert not same["identical"] and same["changed"] == []
    first = process_diff.diff_contents("routing.dmn", routing, routing.replace('hitPolicy="UNIQUE"', 'hitPolicy="FIRST"'))
    [changed] = first["changed"]
    assert changed["id"] == "decision_table_routing"
    assert changed["attributes"] == [{"name": "hitPolicy", "a": None, "b": "FIRST"}]


def test_diff_of_an_unreadable_version_is_a_clear_error():
    from app.domain.errors import ValidationFailed
    with pytest.raises(ValidationFailed) as caught:
        process_diff.diff_contents("routing.dmn", "<definitions>", "<definitions/>")
    assert "routing.dmn" in caught.value.fields


def test_same_content_counts_the_model_the_layout_and_the_order_of_waypoints():
    edge = re.search(r'<bpmndi:BPMNEdge id="flow_route_dispatch_di".*?</bpmndi:BPMNEdge>', MAIN, re.S).group(0)
    points = re.findall(r"<di:waypoint [^>]*/>", edge)
    assert len(points) >= 2
    reversed_edge = edge.replace(points[0], "\0").replace(points[-1], points[0]).replace("\0", points[-1])
    same = deployments.same_content
    assert same("enterprise_demand.bpmn", MAIN, resaved(MAIN))
    assert not same("enterprise_demand.bpmn", MAIN, MAIN.replace(edge, reversed_edge))
    assert not same("enterprise_demand.bpmn", MAIN, RELABELLED)
    assert not same("enterprise_demand.bpmn", MAIN, "<definitions>")
    assert not same("forms/sign.schema.json", "{}", "not json")
