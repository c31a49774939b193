"""Known Python sandbox escapes, uploaded in every place a deployment carries code.

Each escape is placed in (a) a BPMN script task, (b) a gateway condition, (c) a DMN input entry
and output entry, (d) a service-task parameter, (e) a timer expression, and must be refused by
POST /api/deployments/validate and POST /api/deployments with an error naming `file#element`.
Those that can only fail when they run (they are valid Python over unknown names or values) are
deployed and must fail at run time with a 422 process_error and nothing saved. Every escape aims
at a canary file; it must never appear.
"""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import func, select

from app.db.models import Case
from app.demo.data import ENTERPRISES

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
CANARY = "/tmp/qisu-canary-{pid}"

# Expressions: valid in every location. `{c}` is the canary path.
EXPRESSIONS = [
    "().__class__.__bases__[0].__subclasses__()",
    "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close'][0]"
    ".__init__.__globals__['system']('touch {c}')",
    "getattr(getattr((), '__cla' + 'ss__'), '__bas' + 'es__')",
    "'{{0.__class__.__init__.__globals__}}'.format(kind)",
    "'{{k.__class__}}'.format_map(dict(k=kind))",
    "str.format('{{0.__class__}}', kind)",
    "f'{{kind.__class__}}'",
    "[x for x in (y for y in [1]).gi_frame.f_back.f_globals]",
    "(lambda: 0).__code__",
    "__builtins__['open']('{c}', 'w').write('x')",
    "__import__('os').system('touch {c}')",
    "importlib.import_module('os').system('touch {c}')",
    "builtins.open('{c}', 'w')",
    "open('{c}', 'w').write('x')",
    "exec(\"open('{c}', 'w')\")",
    "eval(\"open('{c}', 'w')\")",
    "compile('1', 'x', 'eval')",
    "type('X', (object,), dict(f=open))",
    "vars()['__builtins__']",
    "globals()['__builtins__']",
    "dir(kind)",
    "setattr(kind, 'x', 1)",
    "operator.attrgetter('__class__')(kind)",
    "str.mro()[1].__subclasses__()",
    "kind.__class__.__mro__[1].__subclasses__()",
    "SpiffWorkflow.bpmn.script_engine",
    "pow(10, 10 ** 9)",
]
# Statements: scripts only.
SCRIPTS = [
    "import os\nos.system('touch {c}')",
    "from os import *\nsystem('touch {c}')",
    "from importlib import import_module",
    "class A:\n    pass",
    "@open\ndef f():\n    pass",
    "def f():\n    yield 1\nframe = f().gi_frame",
    "global kind\nkind = 1",
    "while True:\n    pass",
    "try:\n    1 / 0\nexcept Exception as e:\n    t = e.__traceback__.tb_frame",
    "x = 2\nx **= 10 ** 9",
]
# Valid Python that can only fail when it runs: bounded CPU and memory, nothing reachable.
RUNTIME = [
    "sum(range(10 ** 12)) > 0",
    "10 ** 10 ** 10 > 0",
    "len('x' * 10 ** 10) > 0",
    "len([0] * 10 ** 9) > 0",
    "len([1 << 10 ** 9]) > 0",
    "len([1 for a in range(1000) for b in range(1000) for c in range(10)]) > 0",
    "datetime.sys.modules['os'].system('touch {c}')",
    "date.today().sys",
    "no_such_module.system('touch {c}')",
]


def _places():
    """(id, file, original text, how to wrap the escape, element the error must name)."""
    text_ = escape
    attr = lambda s: escape(s, {'"': "&quot;"})  # noqa: E731
    return [
        ("script", "enterprise_demand.bpmn", "handling_round = handling_round + 1", text_, "next_round"),
        ("condition", "enterprise_demand.bpmn", 'kind == "咨询" and direct_reply != ""', text_,
         "flow_direct"),
        ("dmn-input", "routing.dmn", '<text>"城市管理"</text>', lambda s: f"<text>{escape(s)}</text>",
         "rule_01_domain"),
        ("dmn-output", "routing.dmn", '<text>"bfz"</text>', lambda s: f"<text>{escape(s)}</text>",
         "rule_01_suggested_unit"),
        ("parameter", "enterprise_demand.bpmn", 'value="&quot;direct_replied&quot;"',
         lambda s: f'value="{attr(s)}"', "close_direct"),
        ("timer", "enterprise_demand.bpmn", 'rating_window["due"]', text_, "timer_rating_due"),
    ]


PLACES = _places()


def _content(place, source: str) -> str:
    _, filename, original, wrap, _ = place
    text = (WORKFLOWS / filename).read_text(encoding="utf-8")
    assert original in text, original
    return text.replace(original, wrap(source), 1)


@pytest.fixture
def canary():
    path = Path(CANARY.format(pid=id(object())))
    path.unlink(missing_ok=True)
    yield path
    assert not path.exists(), "an escape ran"


def _assert_refused(api, place, source):
    _, filename, _, _, element = place
    body = {"filename": filename, "content": _content(place, source)}
    designer = api.as_("designer1")
    checked = designer.post("/api/deployments/validate", json=body)
    assert checked.status == 200 and checked.json["ok"] is False, (source, checked)
    assert any(key.startswith(f"{filename}#") and element in key for key in checked.json["errors"]), \
        (source, checked.json["errors"])
    deployed = designer.post("/api/deployments", json=body)
    assert deployed.status == 422 and deployed.json["error"]["code"] == "validation_failed", deployed
    fields = deployed.json["error"]["fields"]
    assert any(key.startswith(f"{filename}#") and element in key for key in fields), (source, fields)
    assert "不被允许" in str(fields) or "not allowed" in str(fields) or "forbidden" in str(fields) \
        or "invalid" in str(fields) or "reserved" in str(fields), fields


@pytest.mark.parametrize("place", PLACES, ids=[p[0] for p in PLACES])
@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_expression_escapes_are_refused_at_deploy(api, canary, place, expression):
    _assert_refused(api, place, expression.format(c=canary))


@pytest.mark.parametrize("script", SCRIPTS)
def test_statement_escapes_are_refused_at_deploy(api, canary, script):
    _assert_refused(api, PLACES[0], script.format(c=canary))


def _case_count(rt) -> int:
    with rt.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Case))


@pytest.mark.parametrize("expression", RUNTIME)
def test_runtime_escapes_fail_cleanly_and_save_nothing(api, rt, canary, expression):
    condition = PLACES[1]
    body = {"filename": condition[1], "content": _content(condition, expression.format(c=canary))}
    deployed = api.as_("designer1").post("/api/deployments", json=body)
    assert deployed.status == 201, deployed
    before = _case_count(rt)
    intake = api.as_("agent1").post("/api/cases", json={
        "kind": "咨询", "description": "咨询政策", "credit_code": ENTERPRISES[4]["credit_code"],
        "direct_reply": "按政策办理"})
    assert intake.status == 422 and intake.json["error"]["code"] == "process_error", intake
    assert "gw_direct" in intake.json["error"]["message"] or "flow_direct" in intake.json["error"]["message"]
    assert _case_count(rt) == before
