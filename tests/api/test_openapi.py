"""The OpenAPI document is generated from the code and describes every API route."""
from __future__ import annotations


def test_openapi_document_lists_the_routes(api):
    raw = api.client.get("/api/openapi.json")
    assert raw.status_code == 200
    doc = raw.get_json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path in ("/api/cases", "/api/cases/{number}", "/api/cases/{number}/history",
                 "/api/cases/{number}/rating", "/api/tasks", "/api/tasks/{task_id}/claim",
                 "/api/tasks/{task_id}/unclaim", "/api/tasks/{task_id}/complete",
                 "/api/auth/token", "/api/deployments", "/api/enterprises", "/api/units"):
        assert path in paths, path
    case_in = doc["components"]["schemas"]["Case"] if "Case" in doc["components"]["schemas"] else None
    assert "bearerAuth" in doc["components"]["securitySchemes"]
    assert paths["/api/cases"]["post"]["requestBody"]
    assert case_in is None or case_in["properties"]


def test_every_flask_api_rule_is_documented(app, api):
    doc = api.client.get("/api/openapi.json").get_json()
    documented = {p.replace("{", "<").replace("}", ">") for p in doc["paths"]}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and "openapi" not in rule.rule and "docs" not in rule.rule:
            assert rule.rule in documented, rule.rule


def test_docs_page_is_served_with_local_assets(api):
    raw = api.client.get("/api/docs")
    assert raw.status_code == 200 and b"openapi.json" in raw.data
    assert b"/vendor/swagger-ui-dist/swagger-ui-bundle.js" in raw.data and b"cdn." not in raw.data
    assert api.client.get("/vendor/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200


def test_the_document_says_what_an_enterprise_gets_of_a_case(api):
    """P17: the enterprise's case is the EnterpriseCase schema; the staff-only fields of the case
    say so; history and diagram say they answer 404 to enterprises. And the answers agree."""
    doc = api.client.get("/api/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    enterprise, case = schemas["EnterpriseCase"]["properties"], schemas["CaseOut"]
    assert "EnterpriseCase" in case["description"]
    staff_only = {name for name, prop in case["properties"].items()
                  if "仅工作人员和承办单位可见" in prop.get("description", "")}
    assert staff_only >= {"routing", "clocks", "open_tasks", "red_list", "suggested_unit", "version"}
    assert not staff_only & set(enterprise) and set(enterprise) | staff_only == set(case["properties"])
    for path in ("/api/cases/{number}/history", "/api/cases/{number}/diagram"):
        assert "404" in doc["paths"][path]["get"]["description"], path

    number = api.submit(enterprise=1)["number"]
    api.dispatch(number, "cgj")
    mine = api.as_("ent2").get(f"/api/cases/{number}").json
    listed = api.as_("ent2").get("/api/cases").json["items"][0]
    for body in (mine, listed):
        assert set(body) <= set(enterprise) and body["unit"] == {"name": "市城市管理和综合执法局"}
    assert set(api.as_("spec_cgj").get(f"/api/cases/{number}").json) >= staff_only
