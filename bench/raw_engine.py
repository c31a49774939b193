"""The raw-engine side of bench/loop_rate.py: plain SpiffWorkflow driving the dual loop.

The workflows/ directory is parsed once with SpiffBpmnParser; a plain PythonScriptEngine subclass
answers the service tasks with the JSON shapes of app/services/actions/ and sla.py; form data
is validated against the JSON Schemas like the service does; after every step the workflow is
serialized with SpiffWorkflow's standard serializer (specs included) and deserialized again.
"""
from __future__ import annotations

import json
import statistics
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / "workflows"
MAIN_PROCESS = "enterprise_demand"
TARGET_RATIO = 0.35
FAST_HASH = "pbkdf2:sha256:1000"  # as tests/conftest.py: demo passwords only
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

# The loop's user-task steps after intake, with the data the tests send (tests/support.py).
DISPATCH = {"unit_code": "cgj", "override_reason": "城管局统一处理"}
SUPERVISE = {"instruction": "请重新联系企业"}


def unit_steps():
    """The unit's steps; the contact time is now (P5: not in the future, not before the dispatch)."""
    from datetime import datetime, timedelta, timezone

    from tests.support import UNIT_STEPS
    now = datetime.now(timezone(timedelta(hours=8))).isoformat(timespec="seconds")
    steps = {"reply": {"result": "解决", "reply_text": "已协调解决"},
             "contact": {"contacted_at": now, "contact_method": "电话"}}
    return [(name, steps.get(name, dict(data))) for name, data in UNIT_STEPS]


def loop_steps():
    return ([("dispatch", DISPATCH)] + unit_steps() + [("rate", {"rating": "不满意", "rating_comment": "问题没有解决"})]
            + [("supervise", SUPERVISE)] + unit_steps() + [("rate", {"rating": "满意"})])


# --------------------------------------------------------------------------------------------
# (a) the raw engine
# --------------------------------------------------------------------------------------------

def _iso_in(minutes: float) -> str:
    """Real UTC now + `minutes`, ISO 8601 with offset (the form sla.to_iso gives timers)."""
    return (datetime.now(timezone.utc) + timedelta(minutes=minutes)).isoformat()


def _start_clocks(params: dict, data: dict) -> dict:
    """sla.start_clocks: due and warn times per clock, from the sla.dmn outputs in the data."""
    ratio = float(data.get("warn_ratio") or 0.75)
    due = {}
    for clock in ("response", "solution", "resolution"):
        minutes = int(data[f"{clock}_minutes"])
        due[clock] = _iso_in(minutes)
        due[f"{clock}_warn"] = _iso_in(minutes * ratio)
    return due


def _record_rating(params: dict, data: dict) -> dict:
    rating = params.get("rating")
    rounds = (data.get("rating_result") or {}).get("dissatisfied_rounds", 0)
    if rating in ("不满意", "非常不满意"):
        rounds += 1
    return {"satisfied": rating in ("非常满意", "满意", "基本满意"), "dissatisfied_rounds": rounds}


# operator → fake with the result shape of app/services/actions/ and app/services/sla.py
# (assign_unit needs the unit names and is answered by the script engine itself).
FAKE_ACTIONS = {
    "notify_enterprise": lambda params, data: {"sent": True},
    "record_rating": _record_rating,
    "close_case": lambda params, data: {"status": params.get("status") or "closed"},
    "start_clocks": _start_clocks,
    "stop_clock": lambda params, data: {"outcome": "met"},
    "clock_warning": lambda params, data: {},
    "clock_violated": lambda params, data: {},
    "check_return": lambda params, data: {},
    "record_return": lambda params, data: {"returned": True, "reason": data.get("return_reason") or "",
                                           "unit_code": data.get("unit_code")},
    "co_timeout": lambda params, data: {},
    "decide_extension": lambda params, data: (
        {"approved": True, "due": data["extension_due"]}
        if data.get("extension_decision") == "批准" else {"approved": False}),
    "await_rating": lambda params, data: {"due": _iso_in(72 * 60)},
    # No active classifier: the shape of actions.classify.NO_SUGGESTION, so gw_auto goes to 派单.
    "classify_domain": lambda params, data: {"label": "", "confidence": 0.0, "score": 0.0, "auto": False,
                                             "threshold": None, "top": [], "model_version": None},
}


class RawEngine:
    """SpiffWorkflow alone: parsed once, serialized (with specs) after each step."""

    def __init__(self):
        from jsonschema import Draft202012Validator, FormatChecker
        from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
        from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

        from app.demo.data import ENTERPRISES, UNITS
        from app.engine.state import FULL_SERIALIZER  # = BpmnWorkflowSerializer(configure(SPIFF_CONFIG))

        parser = SpiffBpmnParser()
        parser.add_bpmn_files(sorted(str(p) for p in WORKFLOWS.glob("*.bpmn")))
        parser.add_dmn_files(sorted(str(p) for p in WORKFLOWS.glob("*.dmn")))
        self.spec = parser.get_spec(MAIN_PROCESS)
        self.subprocess_specs = parser.get_subprocess_specs(MAIN_PROCESS)
        self.forms = {p.name: json.loads(p.read_text(encoding="utf-8"))
                      for p in sorted((WORKFLOWS / "forms").glob("*.json"))}
        self._validator_cls, self._checker = Draft202012Validator, FormatChecker()
        self.serializer = FULL_SERIALIZER
        unit_names = {u["code"]: u["name"] for u in UNITS}
        enterprise = ENTERPRISES[1]  # the enterprise tests/support.py submits for (ent2)

        class BenchScriptEngine(PythonScriptEngine):
            """Service tasks answer with the JSON shapes of app/services/actions/ and sla.py.

            Deadlines are computed like sla.start_clocks does, in natural minutes from real UTC
            now (no working calendar), so the plain SpiffWorkflow timer definitions — which
            compare against datetime.now(timezone.utc) — see future, timezone-aware due times."""

            def call_service(self, task, operation_name=None, operation_params=None, **_kwargs):
                params = {name: p["value"] for name, p in (operation_params or {}).items()}
                data = task.data
                fake = FAKE_ACTIONS.get(operation_name)
                if fake is not None:
                    result = fake(params, data)
                elif operation_name == "assign_unit":
                    code = (params.get("unit_code") or "").strip()
                    suggested = params.get("suggested_unit") or None
                    result = {"unit_name": unit_names[code],
                              "overridden": suggested is not None and suggested != code}
                else:
                    raise LookupError(operation_name)
                return json.dumps(result, ensure_ascii=False, default=str)

        self.script_engine = BenchScriptEngine()
        self.variables = {  # what app/services/intake.process_variables seeds
            "kind": "投诉", "channel": "phone", "domain": "城市管理", "town": enterprise["town"],
            "red_list": bool(enterprise["red_list"]), "direct_reply": "",
            "description": "厂区门口绿化带影响车辆进出,请求协调移植", "max_dissatisfied_rounds": 2,
            "matter_class": "general", "co_units": [], "handling_round": 0}
        self.steps = loop_steps()
        self.last_state_bytes = 0

    def validate(self, schema: dict, data: dict) -> dict:
        """Same contract as app/services/forms.validate_form: all errors, then defaults."""
        errors = list(self._validator_cls(schema, format_checker=self._checker).iter_errors(data))
        if errors:
            raise ValueError([e.message for e in errors])
        defaults = {k: p["default"] for k, p in schema.get("properties", {}).items()
                    if "default" in p and k not in data}
        return defaults | data

    def run_case(self, number: int) -> None:
        from SpiffWorkflow.bpmn import BpmnWorkflow
        from SpiffWorkflow.util.task import TaskState

        ser, engine = self.serializer, self.script_engine
        workflow = BpmnWorkflow(self.spec, self.subprocess_specs, script_engine=engine)
        variables = dict(self.variables, case_no=f"BENCH-{number:06d}")
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(variables)
        workflow.task_tree.data.update(variables)
        workflow.do_engine_steps()
        state = ser.serialize_json(workflow)
        for name, data in self.steps:
            workflow = ser.deserialize_json(state)
            workflow.script_engine = engine
            task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                        if t.task_spec.bpmn_id == name)
            form = task.task_spec.extensions["properties"]["formJsonSchemaFilename"]
            task.data.update(self.validate(self.forms[form], data))
            task.run()
            workflow.do_engine_steps()
            state = ser.serialize_json(workflow)
        if not workflow.completed or workflow.last_task.data["close_case_result"] != {"status": "closed"}:
            raise RuntimeError("raw engine: the loop did not end closed")
        self.last_state_bytes = len(state.encode("utf-8"))


def measure_raw(cases: int, warmup: int) -> dict:
    engine = RawEngine()
    for i in range(warmup):
        engine.run_case(-1 - i)
    elapsed, per_case = _timed(cases, engine.run_case)
    return {"rate": cases / elapsed, "ms_per_case": 1000 * elapsed / cases, "spread": per_case,
            "steps": len(engine.steps), "state_bytes": engine.last_state_bytes}


def _timed(cases: int, run) -> tuple[float, str]:
    """Total seconds for `cases` runs, and the per-case spread as "median (min–max) ms"."""
    times = []
    for i in range(cases):
        start = time.perf_counter()
        run(i)
        times.append(1000 * (time.perf_counter() - start))
    ordered = sorted(times)
    spread = f"median {statistics.median(ordered):.1f} ms, min {ordered[0]:.1f}, max {ordered[-1]:.1f}"
    return sum(times) / 1000, spread
