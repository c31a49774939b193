"""Issue 17 §6: the OpenAPI document describes what the server enforces — the export content
types, the unit codes of the insight filters, the Idempotency-Key rule of task completion."""
from __future__ import annotations

from sqlalchemy import select

from app.api.export import XLSX_MIME
from app.db.models import Unit

EXPORTS = ("/api/insight/metrics", "/api/insight/trend", "/api/insight/units",
           "/api/insight/hotspots", "/api/insight/towns", "/api/insight/common-problems")


def _doc(api) -> dict:
    return api.client.get("/api/openapi.json").get_json()


def _param(operation: dict, name: str) -> dict:
    return next(p for p in operation["parameters"] if p["name"] == name)


def test_export_answers_have_documented_content_types(api):
    paths = _doc(api)["paths"]
    analyst = api.as_("analyst1")
    for path in EXPORTS:
        ok = paths[path]["get"]["responses"]["200"]
        assert ok["description"] and set(ok["content"]) == {"application/json", "text/csv",
                                                             XLSX_MIME}, path
        for fmt in ("csv", "xlsx"):
            response = analyst.get(path, format=fmt)
            mimetype = response.headers["Content-Type"].split(";")[0]
            assert response.status == 200 and mimetype in ok["content"], (path, mimetype)
        assert analyst.get(path).headers["Content-Type"] == "application/json"


def test_unit_filter_documents_exactly_the_known_unit_codes(api, rt):
    with rt.uow() as uow:
        known = set(uow.session.scalars(select(Unit.code)))
    paths = _doc(api)["paths"]
    analyst = api.as_("analyst1")
    for path in EXPORTS:
        enum = _param(paths[path]["get"], "unit")["schema"]["enum"]
        assert set(enum) == known, path
    for code in sorted(known):
        assert analyst.get("/api/insight/metrics", unit=code).status == 200, code
        assert analyst.get("/api/insight/common-problems", unit=code).status == 200, code
    for outside in ("nope", "CGJ", "cgj "):
        for path in ("/api/insight/metrics", "/api/insight/common-problems"):
            response = analyst.get(path, unit=outside)
            assert response.status == 422 and "unit" in response.json["error"]["fields"], path


def test_idempotency_key_rule_is_documented_and_enforced(api):
    operation = _doc(api)["paths"]["/api/tasks/{task_id}/complete"]["post"]
    header = _param(operation, "Idempotency-Key")
    assert header["in"] == "header" and header["required"] is False
    schema = header["schema"]
    assert (schema["minLength"], schema["maxLength"]) == (1, 200)
    assert schema["pattern"] == "^[\\x21-\\x7e]{1,200}$"
    assert "400" in header["description"] and "422" in header["description"]
    number = api.submit(enterprise=1)["number"]
    task = api.as_("dispatcher1").task_for(number, "dispatch")
    token = api.token("dispatcher1")
    url = f"/api/tasks/{task['id']}/complete"
    body = {"data": {"unit_code": "cgj", "override_reason": "派单员判断"}}
    for bad in ("带中文", "a b", "x" * 201):
        raw = api.client.post(url, json=body, headers={"Authorization": f"Bearer {token}",
                                                       "Idempotency-Key": bad})
        assert raw.status_code == 400 and "Idempotency-Key" in raw.get_json()["error"]["fields"]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "dispatch-1"}
    first = api.client.post(url, json=body, headers=headers)
    again = api.client.post(url, json=body, headers=headers)
    assert first.status_code == 200 and again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"


def test_acknowledging_an_alert_id_past_the_database_integers_is_404(api):
    """Found by schemathesis: a 30-digit id answered 500 (integer overflow in the database)."""
    supervisor = api.as_("supervisor1")
    for alert_id in ("9" * 30, "9" * 19, "²", "１２"):
        response = supervisor.post(f"/api/insight/surges/{alert_id}/acknowledge")
        assert response.status == 404 and response.json["error"]["code"] == "not_found", alert_id


def _strings(node, where=""):
    """Every string schema in the document, with where it is."""
    if isinstance(node, dict):
        if node.get("type") == "string":
            yield where, node
        for key, child in node.items():
            yield from _strings(child, f"{where}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _strings(child, f"{where}/{index}")


def test_every_text_the_server_takes_states_the_character_rule(api):
    """Paths, query parameters and request bodies: each free text carries the pattern of the
    character rule that app.ops.bad_bytes enforces, and the server acts as the pattern says."""
    import re
    doc = _doc(api)
    inputs = [doc["paths"]] + [doc["components"]["schemas"][name] for name in
                               ("CaseIn", "RatingIn", "ExtensionIn", "TokenIn", "PasswordIn",
                                "ProcessFileIn", "SuggestIn")]
    checked = 0
    for where, schema in _strings(inputs):
        if "/responses/" in where or schema.get("readOnly"):
            continue
        assert {"enum", "format", "pattern"} & schema.keys(), where
        checked += 1
        if "/parameters/" in where and "pattern" in schema and "Idempotency" not in where:
            assert not re.match(schema["pattern"], "a\nb"), where  # one line in a path or query
    assert checked > 40
    body = re.compile(doc["components"]["schemas"]["CaseIn"]["properties"]["description"]["pattern"])
    assert body.match("第一行\n\t第二行") and not body.match("a\x00b") and not body.match("a\x85")
    agent = api.as_("agent1")
    assert agent.get("/api/enterprises", q="a\nb").status == 422
    assert agent.get("/api/enterprises", q="顺丰").status == 200


def test_deployment_filenames_are_documented_as_the_server_takes_them(api):
    import re
    pattern = _doc(api)["components"]["schemas"]["ProcessFileIn"]["properties"]["filename"]["pattern"]
    designer = api.as_("designer1")
    for name, taken in (("enterprise_demand.bpmn", True), ("sla.dmn", True),
                        ("forms/rate.schema.json", True), ("rate.json", False), ("x.txt", False)):
        assert bool(re.match(pattern, name)) is taken, name
        response = designer.post("/api/deployments/validate", {"filename": name, "content": "<x/>"})
        assert response.status == 200, (name, response.json)
        assert ("filename" in response.json["errors"]) is (not taken), (name, response.json)
