"""The process designer's pages: files and versions, the modeler, validate, deploy, roles."""
from __future__ import annotations

import re

import pytest

from lxml import etree

from app.services import deployments
from tests.api.designer_support import BROKEN, MAIN, RELABELLED, WORKFLOWS, post_json, text
from tests.support import logged_in


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


def test_deployment_page_says_where_its_open_cases_wait(app, api, designer):
    base = app.config["BASE_DEPLOYMENT_ID"]
    first, second = api.submit()["number"], api.submit()["number"]
    dispatcher = api.as_("dispatcher1")
    assert dispatcher.task_for(first, "dispatch") and dispatcher.task_for(second, "dispatch")
    page = designer.get(f"/designer/deployments/{base}")
    body = page.get_data(as_text=True)
    row = re.search(r'<tr data-element-id="dispatch" data-kind="task">(.*?)</tr>', body, re.S)
    assert row and '<td class="num">2</td>' in row.group(1), body
    assert "进行中的诉求在哪里等待" in body and 'id="waiting-diagrams"' in body
    assert "enterprise_demand.bpmn" in body and "unit_handling.bpmn" in body


def test_edit_page_opens_the_modeler_with_the_files_xml(designer):
    page = designer.get("/designer/edit/enterprise_demand.bpmn")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    # the modeler bundle (bpmn-js, properties panel, lint, minimap, token simulation; make assets)
    assert "/static/web/dist/designer-modeler.js" in body
    assert "/vendor/bpmn-js/dist/assets/bpmn-js.css" in body
    assert "/vendor/@bpmn-io/properties-panel/dist/assets/properties-panel.css" in body
    assert 'data-catalog="/designer/catalog"' in body and 'id="properties"' in body
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
    assert "dmn-js-decision-table.css" in dmn and "designer-modeler" not in dmn
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


def test_bpmn_names_use_full_width_punctuation_and_have_english(app):
    from app.i18n import gettext
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
            with app.test_request_context(headers={"Accept-Language": "en"}):
                assert gettext(name) != name, name


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


def test_the_catalog_offers_what_exists(designer):
    data = designer.get("/designer/catalog").get_json()
    actions = {a["name"]: a for a in data["actions"]}
    assert {"assign_unit", "close_case", "start_clocks", "classify_domain"} <= set(actions)
    assert actions["close_case"]["params"] == ["status"] and actions["close_case"]["help"]
    assert "dispatch.schema.json" in data["forms"]
    assert {"name": "派单员", "role": "dispatcher", "label": "派单员"} in data["lanes"]
    assert data["processes"] == ["enterprise_demand", "unit_handling"]
    assert set(data["decisions"]) >= {"routing", "sla"}
    assert {"value": "response", "label": "响应时限"} in data["clocks"]
    assert {"value": "signing", "label": "待签收"} in data["case_statuses"]


@pytest.mark.parametrize("source, mode, ok", [
    ('kind == "咨询"', "eval", True), ("kind.__class__", "eval", False),
    ("handling_round = handling_round + 1", "exec", True), ("import os", "exec", False),
    ("x = 1", "eval", False),  # a statement is no expression
])
def test_check_code_uses_the_restricted_checker(designer, source, mode, ok):
    response = post_json(designer, "/designer/check-code", {"source": source, "mode": mode})
    assert response.status_code == 200
    data = response.get_json()
    assert data["ok"] is ok
    if not ok:
        assert data["message"].startswith("脚本或表达式不被允许")


def test_check_code_needs_a_body(designer):
    assert post_json(designer, "/designer/check-code", {"source": 1}).status_code == 400
