"""The designer's comparisons: what counts as a change when a file is deployed again (a re-saved
file is none, a moved shape is one) and the element-level diff of two versions."""
from __future__ import annotations

import json
import re

import pytest

from app.engine.model_diff import diff_contents
from app.engine.same_model import same_content
from app.services import process_diff
from tests.api.designer_support import MAIN, RELABELLED, WORKFLOWS, deployment_count, post_json, resaved, text


@pytest.mark.parametrize("filename", ["enterprise_demand.bpmn", "unit_handling.bpmn", "routing.dmn"])
def test_deploying_an_unchanged_file_saved_again_reuses_the_deployment(app, designer, filename):
    base = app.config["BASE_DEPLOYMENT_ID"]
    original = (WORKFLOWS / filename).read_text(encoding="utf-8")
    content = resaved(original)
    assert content != original and same_content(filename, original, content)
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
    diff = diff_contents("enterprise_demand.bpmn", MAIN,
                                      MAIN.replace(gateway, '<bpmn:inclusiveGateway id="gw_direct" ')
                                      .replace("</bpmn:exclusiveGateway>", "</bpmn:inclusiveGateway>", 1))
    changed = {c["id"]: c for c in diff["changed"]}
    assert changed["gw_direct"]["type_changed"]
    assert (changed["gw_direct"]["tag_a"], changed["gw_direct"]["tag"]) == ("exclusiveGateway", "inclusiveGateway")
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        page = render_template("designer/designer_diff.html", overview={"files": [], "deployments": []},
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


def test_diff_of_an_unknown_deployment_is_an_error_on_the_page(designer):
    page = designer.get("/designer/diff?file=enterprise_demand.bpmn&a=1&b=999999")
    assert page.status_code == 200 and "部署不存在" in text(page)


def test_diff_treats_a_default_attribute_as_absent():
    routing = (WORKFLOWS / "routing.dmn").read_text(encoding="utf-8")
    assert 'hitPolicy="FIRST"' in routing
    absent = routing.replace(' hitPolicy="FIRST"', "")
    unique = routing.replace('hitPolicy="FIRST"', 'hitPolicy="UNIQUE"')
    same = diff_contents("routing.dmn", absent, unique)
    assert not same["identical"] and same["changed"] == []
    first = diff_contents("routing.dmn", absent, routing)
    [changed] = first["changed"]
    assert changed["id"] == "decision_table_routing"
    assert changed["attributes"] == [{"name": "hitPolicy", "a": None, "b": "FIRST"}]


def test_diff_of_an_unreadable_version_is_a_clear_error():
    from app.domain.errors import ValidationFailed
    with pytest.raises(ValidationFailed) as caught:
        diff_contents("routing.dmn", "<definitions>", "<definitions/>")
    assert "routing.dmn" in caught.value.fields


def test_same_content_counts_the_model_the_layout_and_the_order_of_waypoints():
    edge = re.search(r'<bpmndi:BPMNEdge id="flow_route_dispatch_di".*?</bpmndi:BPMNEdge>', MAIN, re.S).group(0)
    points = re.findall(r"<di:waypoint [^>]*/>", edge)
    assert len(points) >= 2
    reversed_edge = edge.replace(points[0], "\0").replace(points[-1], points[0]).replace("\0", points[-1])
    same = same_content
    assert same("enterprise_demand.bpmn", MAIN, resaved(MAIN))
    assert not same("enterprise_demand.bpmn", MAIN, MAIN.replace(edge, reversed_edge))
    assert not same("enterprise_demand.bpmn", MAIN, RELABELLED)
    assert not same("enterprise_demand.bpmn", MAIN, "<definitions>")
    assert not same("forms/sign.schema.json", "{}", "not json")
