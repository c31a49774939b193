"""Issue 17 §1, worker path: a timer whose script goes past a limit faults its case's timer
instead of spinning the worker; admins see why; it is retried only when asked."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.cli import qisu
from app.db.models import AuditEvent, Case, Timer
from app.services.timers import fire_due
from tests.security.conftest import deploy, workflow_file, xml_text
from tests.support import logged_in
from tests.security.test_script_limits import MUTUAL_RECURSION, PAYLOADS

WARN_FLOW = '<bpmn:sequenceFlow id="flow_response_warn" sourceRef="timer_response_warn" targetRef="warn_response" />'


def warn_script(script: str) -> str:
    """unit_handling.bpmn with a script task between the response warning timer and its action."""
    return workflow_file("unit_handling.bpmn", **{WARN_FLOW: (
        f'<bpmn:scriptTask id="sec_warn_script" name="预警脚本"><bpmn:script>{xml_text(script)}'
        '</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="flow_response_warn" sourceRef="timer_response_warn" targetRef="sec_warn_script" />'
        '<bpmn:sequenceFlow id="flow_sec_warn" sourceRef="sec_warn_script" targetRef="warn_response" />')})


def timers_of(rt, number):
    with rt.uow() as uow:
        case_id = uow.session.scalar(select(Case.id).where(Case.number == number))
        rows = uow.session.execute(select(Timer.name, Timer.status, Timer.fault)
                                   .where(Timer.case_id == case_id)).all()
        trail = uow.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case_id)
                                    .order_by(AuditEvent.id)).all()
    return {name: (status, fault) for name, status, fault in rows}, trail


def cli(app, *args):
    result = app.test_cli_runner().invoke(qisu, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("script, limit", [
    (MUTUAL_RECURSION, "CPU 时间超过 0.2 秒"),
    ("x = " + PAYLOADS["ljust"], "内存超过 64 MB"),
    ("x = " + PAYLOADS["join"], "内存超过 64 MB"),
    # Sorting builds its lists slowly: on a busy machine the CPU limit may come first.
    ("x = " + PAYLOADS["sorted-map-sorted"], ("内存超过 64 MB", "CPU 时间超过 0.2 秒")),
], ids=["recursion", "ljust", "join", "sorted-map-sorted"])
def test_a_timer_script_past_a_limit_faults_the_timer_and_the_worker_goes_on(
        app, api, rt, small_limits, script, limit):
    deploy(api, "unit_handling.bpmn", warn_script(script))
    number = api.submit()["number"]
    assert api.dispatch(number, "cgj").status == 200
    rt.clock.advance(minutes=50)  # the response warning (P6) is due
    assert fire_due(rt) == 0      # the round returns: nothing fired, nothing spins
    timers, trail = timers_of(rt, number)
    status, fault = timers["timer_response_warn"]
    if isinstance(limit, tuple):
        limit = next((one for one in limit if one in fault), limit[0])
    assert status == "faulted" and "sec_warn_script" in fault and limit in fault
    assert "timer_faulted" in trail and "timer_fired" not in trail
    assert fire_due(rt) == 0 and timers_of(rt, number)[0]["timer_response_warn"][0] == "faulted"
    history = api.as_("admin1").get(f"/api/cases/{number}/history")
    assert history.status == 200, history
    faulted = [e for e in history.json["events"] if e["action"] == "timer_faulted"]
    assert faulted and limit in faulted[0]["after"]["reason"]
    assert number in cli(app, "faulted-timers")
    listed = api.as_("admin1").get("/api/timers/faulted")
    assert listed.status == 200 and [(t["case"], t["timer"]) for t in listed.json] == \
        [(number, "timer_response_warn")] and limit in listed.json[0]["reason"]
    assert api.as_("dispatcher1").get("/api/timers/faulted").status == 403
    page = logged_in(app, "admin1").get(f"/cases/{number}").get_data(as_text=True)
    assert "定时器故障" in page and limit in page  # the case page's history shows it, with why


def test_a_faulted_timer_is_retried_when_an_operator_asks(app, api, rt, small_limits):
    deploy(api, "unit_handling.bpmn", warn_script("x = len('a'.ljust(100 * 10**6))"))  # ~100 MB
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    rt.clock.advance(minutes=50)
    assert fire_due(rt) == 0
    assert timers_of(rt, number)[0]["timer_response_warn"][0] == "faulted"
    rt.clock.advance(minutes=1)
    assert fire_due(rt) == 0  # not retried by itself
    environment = rt.runner.script_engine.environment
    environment.limits = type(small_limits)(small_limits.cpu_seconds, 256)  # the fix
    assert "1 timer(s)" in cli(app, "retry-timers", number)
    assert fire_due(rt) == 1
    timers, trail = timers_of(rt, number)
    assert timers["timer_response_warn"] == ("fired", None)
    assert trail.index("timer_faulted") < trail.index("timer_retried") < trail.index("timer_fired")
    assert "0 faulted timer(s)" in cli(app, "faulted-timers")


def test_retrying_an_unknown_case_is_a_clear_error(app, api):
    result = app.test_cli_runner().invoke(qisu, ["retry-timers", "NO-SUCH"])
    assert result.exit_code != 0 and "NO-SUCH" in result.output
    response = api.as_("admin1").post("/api/timers/faulted/NO-SUCH/retry")
    assert response.status == 404 and "NO-SUCH" in response.json["error"]["message"]


def test_an_admin_retries_through_the_api(api, rt, small_limits):
    deploy(api, "unit_handling.bpmn", warn_script("x = len('a'.ljust(100 * 10**6))"))
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    rt.clock.advance(minutes=50)
    assert fire_due(rt) == 0
    assert api.as_("supervisor1").post(f"/api/timers/faulted/{number}/retry").status == 403
    retried = api.as_("admin1").post(f"/api/timers/faulted/{number}/retry")
    assert retried.status == 200 and retried.json == {"retried": 1}
    assert timers_of(rt, number)[0]["timer_response_warn"] == ("waiting", None)
    assert api.as_("admin1").get("/api/timers/faulted").json == []
