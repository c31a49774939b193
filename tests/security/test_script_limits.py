"""Issue 17 §1: designer-supplied code runs under real CPU and memory limits (web path).

Each payload once took a gunicorn worker down (60 s of CPU, 300 MB to 1.8 GB). Now the command
answers 422 process_error naming the BPMN element and the limit, writes nothing, and the process
that served it stays small and keeps answering.
"""
from __future__ import annotations

import resource

import pytest

from app.engine.sandbox import RestrictedEnvironment
from app.engine.sandbox_pool import SandboxLimitExceeded, SandboxLimits
from tests.security.conftest import deploy, workflow_file, written, xml_text
from tests.support import UNIT_STEPS

DIRECT = 'kind == "咨询" and direct_reply != ""'
MAP_SORTED = "map(sorted, [range(100000)]*2000)"
PAYLOADS = {
    "map-sorted": f"len(list({MAP_SORTED})) > 0",
    "ljust": "len('a'.ljust(3*10**8)) > 0",
    "join": "len(''.join(['x' * 100000] * 3000)) > 0",
    "sorted-map-sorted": "len(sorted(map(sorted, [list(range(100000))]*2000))) > 0",
}
RECURSION = "def f(n):\n    return 1 if n == 0 else f(n - 1) + f(n - 1)\nx = f(40)"
# The same, past the deploy-time check (which refuses a function calling itself by name).
MUTUAL_RECURSION = ("def g(n):\n    return f(n)\n"
                    "def f(n):\n    return 1 if n == 0 else g(n - 1) + g(n - 1)\nx = f(40)")
LIMIT_WORDS = ("CPU 时间超过 0.2 秒", "内存超过 64 MB")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def intake(api, **fields):
    body = {"kind": "投诉", "description": "厂区门口绿化带影响车辆进出", "domain": "城市管理",
            "town": "", "credit_code": _code()} | fields
    return api.as_("agent1").post("/api/cases", json=body)


def _code():
    from app.demo.data import ENTERPRISES
    return ENTERPRISES[4]["credit_code"]


def assert_refused(api, rt, response, element: str, before, limit_words=LIMIT_WORDS):
    assert response.status == 422, response
    error = response.json["error"]
    assert error["code"] == "process_error"
    assert element in error["message"] and element in error["fields"], error
    assert any(word in error["message"] for word in limit_words), error["message"]
    assert written(rt) == before
    assert api.as_("agent1").get("/api/auth/me").status == 200  # the process still answers


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_gateway_condition_past_a_limit_is_a_process_error(api, rt, small_limits, payload):
    deploy(api, "enterprise_demand.bpmn",
           workflow_file("enterprise_demand.bpmn", **{DIRECT: xml_text(payload)}))
    before, peak = written(rt), peak_rss_mb()
    response = intake(api, kind="咨询", direct_reply="已答复")
    assert_refused(api, rt, response, "gw_direct", before)
    assert peak_rss_mb() - peak < 100  # the payloads need 300 MB and more: none of it was here


def script_before_gateway(script: str) -> str:
    """enterprise_demand.bpmn with a script task `sec_script` between the start and gw_direct."""
    task = (f'<bpmn:scriptTask id="sec_script" name="安全测试脚本">'
            f'<bpmn:script>{xml_text(script)}</bpmn:script></bpmn:scriptTask>'
            '<bpmn:sequenceFlow id="flow_sec_script" sourceRef="sec_script" targetRef="gw_direct" />')
    old = '<bpmn:sequenceFlow id="flow_start" sourceRef="start" targetRef="gw_direct" />'
    return workflow_file("enterprise_demand.bpmn", **{
        old: old.replace('targetRef="gw_direct"', 'targetRef="sec_script"') + task})


def test_a_recursive_function_is_refused_at_deploy(api, rt):
    response = api.as_("designer1").post("/api/deployments", json={
        "filename": "enterprise_demand.bpmn", "content": script_before_gateway(RECURSION)})
    assert response.status == 422, response
    messages = [m for key, ms in response.json["error"]["fields"].items() if "sec_script" in key
                for m in ms]
    assert any("递归函数" in m for m in messages), response.json


def test_exponential_recursion_in_a_script_task_stops_at_the_cpu_limit(api, rt, small_limits):
    deploy(api, "enterprise_demand.bpmn", script_before_gateway(MUTUAL_RECURSION))
    before = written(rt)
    response = intake(api)
    assert_refused(api, rt, response, "sec_script", before, ("CPU 时间超过 0.2 秒",))


@pytest.mark.parametrize("payload", ["ljust", "join"])
def test_script_task_past_the_memory_limit_is_a_process_error(api, rt, small_limits, payload):
    deploy(api, "enterprise_demand.bpmn",
           script_before_gateway(f"x = {PAYLOADS[payload].replace(' > 0', '')}"))
    before = written(rt)
    assert_refused(api, rt, intake(api), "sec_script", before, ("内存超过 64 MB",))


def test_dmn_input_expression_past_a_limit_is_a_process_error(api, rt, small_limits):
    expression = 'domain or domain_suggestion["label"]'
    payload = "domain + 'a'.ljust(3*10**8)[:0]"
    deploy(api, "routing.dmn", workflow_file("routing.dmn", **{expression: xml_text(payload)}))
    before = written(rt)
    assert_refused(api, rt, intake(api), "route", before, ("内存超过 64 MB",))


def test_timer_expression_past_a_limit_is_a_process_error(api, rt, small_limits):
    payload = "rating_window['due'] + 'a'.ljust(3*10**8)[:0]"
    deploy(api, "enterprise_demand.bpmn", workflow_file(
        "enterprise_demand.bpmn", **{'rating_window["due"]': xml_text(payload)}))
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    user = api.as_("spec_cgj")
    for name, data in UNIT_STEPS[:-1]:
        data = {**data, "contacted_at": api.now_beijing()} if name == "contact" else data
        assert user.complete(number, name, data).status == 200
    before = written(rt)
    reply = user.complete(number, "reply", {"result": "解决", "reply_text": "已协调解决"})
    assert_refused(api, rt, reply, "timer_rating_due", before, ("内存超过 64 MB",))


def test_a_normal_case_runs_after_the_limits_stopped_others(api, rt, small_limits):
    deploy(api, "enterprise_demand.bpmn", script_before_gateway(MUTUAL_RECURSION))
    assert intake(api).status == 422
    deploy(api, "enterprise_demand.bpmn", script_before_gateway("x = sum(range(1000))"))
    assert intake(api).status == 201  # the evaluator was replaced; scripts run again


def test_the_default_limits_are_one_second_and_64_megabytes(app):
    limits = app.extensions["qisu"].runner.script_engine.environment.limits
    assert (limits.cpu_seconds, limits.memory_mb) == (1.0, 64.0)
    assert app.config["QISU_SCRIPT_CPU_SECONDS"] == 1.0 and app.config["QISU_SCRIPT_MEMORY_MB"] == 64


def test_evaluations_within_the_limits_give_their_results():
    env = RestrictedEnvironment(SandboxLimits(0.5, 64))
    context = {"n": 3}
    env.execute("m = n * 2\nitems = sorted([3, 1, 2])", context)
    assert context == {"n": 3, "m": 6, "items": [1, 2, 3]}
    assert env.evaluate("len('a' * 50000) + n", {"n": 1}) == 50001
    with pytest.raises(ZeroDivisionError):
        env.evaluate("1 / 0", {})
    with pytest.raises(SandboxLimitExceeded, match="内存超过 8 MB"):
        RestrictedEnvironment(SandboxLimits(0.5, 8)).evaluate("len('a'.ljust(50 * 10**6))", {})
