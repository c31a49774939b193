"""GET /api/cases/{number}/diagram: the case's processes with its completed, current and overdue
elements (for the case page's BPMN diagram), and the case page that shows it."""
from __future__ import annotations

import html as html_module
import json
import re

from app.worker import run_once


def by_id(diagram: dict) -> dict:
    return {p["process_id"]: p for p in diagram["processes"]}


def test_diagram_has_both_processes_and_where_the_case_is(api):
    number = api.submit()["number"]
    before = api.as_("supervisor1").get(f"/api/cases/{number}/diagram")
    assert before.status == 200
    assert "dispatch" in before.json["current"] and "dispatch" not in before.json["completed"]

    api.dispatch(number, "cgj")
    diagram = api.as_("supervisor1").get(f"/api/cases/{number}/diagram").json
    processes = by_id(diagram)
    assert list(processes) == ["enterprise_demand", "unit_handling"]
    main, handling = processes["enterprise_demand"], processes["unit_handling"]
    assert main["filename"] == "enterprise_demand.bpmn" and handling["filename"] == "unit_handling.bpmn"
    assert '<bpmn:process id="enterprise_demand"' in main["xml"]
    assert '<bpmn:process id="unit_handling"' in handling["xml"]
    assert diagram["deployment_id"] == api.as_("supervisor1").get(f"/api/cases/{number}").json["deployment_id"]

    assert {"start", "route", "dispatch", "assign_unit_task"} <= set(main["completed"])
    assert "dispatch" in diagram["completed"]
    assert main["current"] == ["handle"]  # the call activity running the unit's work
    assert {"sign", "sp_response", "sp_solution", "sp_handling"} <= set(handling["current"])
    assert {"sign", "sp_response", "sp_solution", "sp_handling", "handle"} <= set(diagram["current"])
    assert "contact" not in diagram["current"] and diagram["overdue"] == []

    # After 签收 and 联系企业 the response stage is done and 提出解决方案 is current.
    user = api.as_("spec_cgj")
    assert user.complete(number, "sign", {}).status == 200
    assert user.complete(number, "contact", {"contacted_at": "2026-11-23T10:00:00+08:00",
                                             "contact_method": "电话"}).status == 200
    handling = by_id(user.get(f"/api/cases/{number}/diagram").json)["unit_handling"]
    assert {"sign", "contact", "stop_response"} <= set(handling["completed"])
    assert {"propose", "sp_solution", "sp_handling"} <= set(handling["current"])
    assert "sp_response" not in handling["current"] and "sign" not in handling["current"]


def test_overdue_stage_after_the_response_deadline(api, rt):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    rt.clock.advance(minutes=61)
    run_once(rt)
    diagram = api.as_("supervisor1").get(f"/api/cases/{number}/diagram").json
    handling = by_id(diagram)["unit_handling"]
    assert "sp_response" in diagram["overdue"] and "sp_response" in handling["overdue"]
    assert "sign" in handling["overdue"]  # the open task inside the late stage
    assert "sp_solution" not in handling["overdue"] and "sp_handling" not in handling["overdue"]
    assert "timer_response_due" in handling["completed"]  # the deadline timer fired
    assert "handle" in by_id(diagram)["enterprise_demand"]["overdue"]

    # Contacting the enterprise late closes the stage; it stays marked as overdue (violated).
    user = api.as_("spec_cgj")
    assert user.complete(number, "sign", {}).status == 200
    assert user.complete(number, "contact", {"contacted_at": "2026-11-23T11:05:00+08:00",
                                             "contact_method": "电话"}).status == 200
    handling = by_id(user.get(f"/api/cases/{number}/diagram").json)["unit_handling"]
    assert "sp_response" in handling["overdue"] and "propose" not in handling["overdue"]
    assert "propose" in handling["current"]


def test_diagram_has_the_visibility_of_the_case(app, api):
    """Staff and the case's unit; not another unit, and no enterprise at all (P17: its view is
    the progress), not even for its own case."""
    number = api.submit(enterprise=1)["number"]
    api.dispatch(number, "cgj")
    assert api.as_("spec_cgj").get(f"/api/cases/{number}/diagram").status == 200
    for other in ("ent2", "ent1", "spec_zjj"):
        response = api.as_(other).get(f"/api/cases/{number}/diagram")
        assert response.status == 404 and response.json["error"]["code"] == "not_found"
    assert api.anonymous().get(f"/api/cases/{number}/diagram").status == 401
    assert api.as_("supervisor1").get("/api/cases/QS20000101-999999/diagram").status == 404


def test_case_page_has_the_diagram_and_the_rating(app, api):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    api.unit_handles(number)
    assert api.rate(number, "满意").status == 200
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    client.post("/login", data={"username": "supervisor1", "password": "qisu-supervisor1",
                                "csrf_token": token})
    page = client.get(f"/cases/{number}").get_data(as_text=True)
    assert 'id="case-diagram"' in page and f'data-url="/api/cases/{number}/diagram"' in page
    assert "/vendor/bpmn-js/dist/bpmn-navigated-viewer.production.min.js" in page
    assert "/static/web/js/diagram.js" in page and "<noscript>" in page
    assert "/vendor/bpmn-js/dist/assets/diagram-js.css" in page
    assert "/vendor/bpmn-js/dist/assets/bpmn-font/css/bpmn.css" in page
    rating = re.search(r'<section class="card" id="rating">(.*?)</section>', page, re.S).group(1)
    assert "满意" in rating and "尚未评价" not in rating
    assert "派单" in page and "已协调解决" in page  # history with the recorded data
    for asset in ("/static/web/js/diagram.js", "/vendor/bpmn-js/dist/assets/diagram-js.css",
                  "/vendor/bpmn-js/dist/assets/bpmn-js.css",
                  "/vendor/bpmn-js/dist/assets/bpmn-font/css/bpmn.css"):
        assert client.get(asset).status_code == 200, asset
    # On an English page the names drawn in the diagrams come with their English.
    client.set_cookie("lang", "en")
    english = client.get(f"/cases/{number}").get_data(as_text=True)
    names = json.loads(html_module.unescape(
        re.search(r'id="diagram-names">(.*?)</script>', english, re.S).group(1)))
    assert names["签收"] == "Accept" and names["联系企业"] == "Contact the enterprise"
    client.set_cookie("lang", "zh")
    assert 'id="diagram-names"' not in client.get(f"/cases/{number}").get_data(as_text=True)
    # The page's script reads the diagram with the session cookie: GET needs no CSRF token.
    diagram = client.get(f"/api/cases/{number}/diagram")
    assert diagram.status_code == 200
    main = by_id(diagram.get_json())["enterprise_demand"]
    assert {"rate", "close_case_task", "end_closed"} <= set(main["completed"])
    assert main["current"] == []
