"""Process designers deploy new versions; running cases keep theirs; uploads are checked."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.models import Case

MAIN = Path(__file__).resolve().parents[2] / "workflows" / "enterprise_demand.bpmn"
DIRECT = 'kind == "咨询" and direct_reply != ""'


def bpmn(**replace) -> str:
    text = MAIN.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


def upload(api, content, filename="enterprise_demand.bpmn", user="designer1"):
    return api.as_(user).post("/api/deployments", json={"filename": filename, "content": content})


def case_count(rt):
    with rt.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Case))


def test_new_version_applies_to_new_cases_only(api):
    old_case = api.submit()["number"]
    response = upload(api, bpmn(**{'name="派单"': 'name="派单确认"'}))
    assert response.status == 201 and response.json["created"] is True
    new_case = api.submit()["number"]

    dispatcher = api.as_("dispatcher1")
    assert dispatcher.task_for(old_case, "dispatch")["title"] == "派单"
    assert dispatcher.task_for(new_case, "dispatch")["title"] == "派单确认"
    old = api.as_("supervisor1").get(f"/api/cases/{old_case}").json
    new = api.as_("supervisor1").get(f"/api/cases/{new_case}").json
    assert new["deployment_id"] > old["deployment_id"]
    # The old case still runs on its own version.
    assert api.dispatch(old_case, "cgj").status == 200
    assert dispatcher.task_for(old_case, "dispatch") is None


def test_deploying_the_old_file_again_reverts_new_cases_to_the_old_version(api, app):
    first = api.submit()["number"]
    base = api.as_("supervisor1").get(f"/api/cases/{first}").json["deployment_id"]
    changed = upload(api, bpmn(**{'name="派单"': 'name="派单确认"'}))
    assert changed.json["created"] is True
    reverted = upload(api, MAIN.read_text(encoding="utf-8"))   # the designer undoes the change
    assert reverted.status == 201 and reverted.json["id"] == base
    assert (reverted.json["created"], reverted.json["reactivated"]) == (False, True)
    again = api.submit()["number"]
    assert api.as_("supervisor1").get(f"/api/cases/{again}").json["deployment_id"] == base
    assert api.as_("dispatcher1").task_for(again, "dispatch")["title"] == "派单"
    # a server start deploying its directory does not undo a designer's later deployment
    redo = upload(api, bpmn(**{'name="派单"': 'name="派单确认"'}))
    assert (redo.json["id"], redo.json["created"], redo.json["reactivated"]) == (changed.json["id"], False, True), redo.json
    from app.services.deployments import deploy_directory
    deployment, created = deploy_directory(app.extensions["qisu"], MAIN.parent)
    assert (deployment.id, created) == (base, False)
    latest = api.submit()["number"]
    assert api.as_("dispatcher1").task_for(latest, "dispatch")["title"] == "派单确认"


def test_same_content_deploys_nothing_new(api):
    response = upload(api, MAIN.read_text(encoding="utf-8"))
    assert response.status == 201 and response.json["created"] is False


def test_specs_are_parsed_once_per_deployment(api, rt):
    number = api.submit()["number"]
    parses = rt.specs.parses
    api.dispatch(number, "cgj")
    api.unit_handles(number)
    assert rt.specs.parses == parses


@pytest.mark.parametrize("condition", [
    "__import__('os').system('touch /tmp/qisu-pwned')",
    "kind.__class__.__subclasses__()",
    "getattr(kind, '_' + '_class__')",
])
def test_sandbox_escapes_are_rejected_at_deploy(api, rt, condition):
    content = bpmn(**{DIRECT: condition.replace("'", "&apos;")})
    response = upload(api, content)
    if response.status == 422:
        assert response.json["error"]["code"] == "validation_failed"
        assert any("enterprise_demand.bpmn" in key for key in response.json["error"]["fields"])
        return
    # Accepted by the static check: then it must fail cleanly when it runs.
    assert response.status == 201
    before = case_count(rt)
    intake = api.as_("agent1").post("/api/cases", json={
        "kind": "咨询", "description": "x", "credit_code": _code(), "direct_reply": "y"})
    assert intake.status == 422 and intake.json["error"]["code"] == "process_error"
    assert case_count(rt) == before
    assert not Path("/tmp/qisu-pwned").exists()


@pytest.mark.parametrize("condition", [
    'open("/etc/passwd").read() != ""',
    '__builtins__["open"]("/etc/passwd")',
])
def test_file_access_fails_cleanly_when_the_process_runs(api, rt, condition):
    response = upload(api, bpmn(**{DIRECT: condition.replace('"', "&quot;")}))
    before = case_count(rt)
    if response.status == 422:  # refused outright by the static check
        assert response.json["error"]["fields"]
        return
    intake = api.as_("agent1").post("/api/cases", json={
        "kind": "咨询", "description": "x", "credit_code": _code(), "direct_reply": "y"})
    assert intake.status == 422, intake
    assert intake.json["error"]["code"] == "process_error"
    assert "gw_direct" in intake.json["error"]["message"] or intake.json["error"]["fields"]
    assert case_count(rt) == before


@pytest.mark.parametrize("content, fragment", [
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "DOCTYPE"),
    ('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><l>&b;</l>',
     "DOCTYPE"),
    ("<definitions><unclosed></definitions>", "XML"),
])
def test_hostile_or_malformed_xml_is_refused(api, content, fragment):
    response = upload(api, content)
    assert response.status == 422
    messages = [m for ms in response.json["error"]["fields"].values() for m in ms]
    assert any(fragment in m for m in messages), messages


def test_oversized_upload_is_refused(api):
    response = upload(api, "<x>" + "a" * (1024 * 1024 + 10) + "</x>")
    assert response.status in (413, 422)


def test_only_designers_deploy(api):
    assert upload(api, MAIN.read_text(encoding="utf-8"), user="agent1").status == 403
    assert api.as_("designer1").get("/api/deployments").status == 200


def test_unknown_file_type_is_refused(api):
    response = upload(api, "x", filename="evil.py")
    assert response.status == 422 and "filename" in response.json["error"]["fields"]


def _code():
    from app.demo.data import ENTERPRISES
    return ENTERPRISES[4]["credit_code"]


def test_timer_expressions_are_checked_at_deploy(api):
    hostile = bpmn(**{'rating_window["due"]': "rating_window.__class__"})
    response = upload(api, hostile)
    assert response.status == 422
    assert any("timer_rating_due" in key for key in response.json["error"]["fields"]), response.json


XXE = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
       '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">&e;</definitions>')
EXTERNAL_DTD = ('<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd">'
                '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>')
PARAMETER_ENTITY = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x">%p;]>'
                    '<definitions/>')
LAUGHS = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "lol">' + "".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]><l>&j;</l>"


@pytest.mark.parametrize("content", [XXE, EXTERNAL_DTD, PARAMETER_ENTITY, LAUGHS],
                         ids=["xxe", "external-dtd", "parameter-entity", "billion-laughs"])
@pytest.mark.parametrize("path", ["/api/deployments", "/api/deployments/validate"])
def test_dtds_are_refused_before_parsing_by_both_endpoints(api, content, path):
    response = api.as_("designer1").post(path, json={"filename": "enterprise_demand.bpmn",
                                                      "content": content})
    errors = response.json["error"]["fields"] if response.status == 422 else response.json["errors"]
    assert response.status in (200, 422) and errors, response
    assert any("DOCTYPE" in m for ms in errors.values() for m in ms), errors
    assert any(key.startswith("enterprise_demand.bpmn") for key in errors)
    assert "root:" not in str(response.json)  # /etc/passwd was not read


@pytest.mark.parametrize("path", ["/api/deployments", "/api/deployments/validate"])
def test_oversized_upload_gets_a_clear_error(api, path):
    body = {"filename": "enterprise_demand.bpmn", "content": "<x>" + "a" * (1024 * 1024 + 10) + "</x>"}
    response = api.as_("designer1").post(path, json=body)
    assert response.status in (413, 422), response
    text = str(response.json["error"])
    assert "content" in response.json["error"]["fields"] or "过大" in text, text


def test_multibyte_upload_over_a_mebibyte_is_refused_by_the_xml_check(api):
    # Under the character limit, over 1 MiB of UTF-8: the XML check counts bytes.
    content = "<definitions>" + "诉" * 400_000 + "</definitions>"
    response = upload(api, content)
    assert response.status == 422
    assert any("过大" in m for ms in response.json["error"]["fields"].values() for m in ms)


def test_malformed_xml_is_named_by_the_validate_endpoint(api):
    response = api.as_("designer1").post("/api/deployments/validate", json={
        "filename": "routing.dmn", "content": "<definitions><decision></definitions>"})
    assert response.status == 200 and response.json["ok"] is False
    assert any("XML" in m for m in response.json["errors"]["routing.dmn"])
