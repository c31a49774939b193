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
