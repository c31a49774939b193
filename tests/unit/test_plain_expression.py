"""Plain expressions (comparisons of variables with literals) are evaluated without an evaluator
process, with the value the sandbox would give; anything else still goes to the sandbox."""
from __future__ import annotations

import pytest

from app.engine import plain_expression, sandbox
from app.engine.sandbox import RestrictedEnvironment, run_restricted

DATA = {"rating": "不满意", "red_list": True, "handling_round": 2, "domain": "城市管理",
        "units": ["cgj", "scj"], "reply": None, "score": 3.5,
        "sla_due": {"response": "2026-12-07T10:00:00+00:00"}, "info": {"returned": True}}

PLAIN = ['rating == "满意"', 'rating != "满意"', "red_list and handling_round > 1",
         'domain in ("城市管理", "市场监管")', '"cgj" in units', "reply is None",
         "not red_list or score >= 3", "-score < 0", '1 < handling_round <= 2',
         '"高" if red_list else "普通"', "True", '["a", "b"] == units', 'sla_due["response"]',
         "len(units) > 1", "units[0] == 'cgj'", 'info.get("returned", False)',
         'info.get("missing")', 'sla_due.get("response") and not info.get("x", False)']
NOT_PLAIN = ["rating.startswith('不')", "score * 2 > 6", "[u for u in units]",
             "sum(range(10)) > 3", "__import__('os')", "_x == 1", "units[0:1]", "units[handling_round]",
             'info.get(key="returned")', "len(units, 2)", 'info.pop("returned")', 'info["_x"]',
             "info.get(*units)", "min(units)", "units.count('a')"]


@pytest.mark.parametrize("source", PLAIN)
def test_plain_expressions_give_the_sandboxs_value_without_a_process(source, monkeypatch):
    expected = run_restricted("eval", source, DATA, None)
    monkeypatch.setattr(sandbox, "evaluate_limited",
                        lambda *a, **k: pytest.fail("sent to an evaluator process"))
    assert RestrictedEnvironment().evaluate(source, DATA) == expected


@pytest.mark.parametrize("source", NOT_PLAIN)
def test_everything_else_goes_to_the_evaluator_process(source, monkeypatch):
    sent = []
    monkeypatch.setattr(sandbox, "evaluate_limited", lambda op, src, *a: sent.append(src) or 1)
    assert RestrictedEnvironment().evaluate(source, DATA) == 1
    assert sent == [source]


def test_an_unknown_name_is_the_sandboxs_to_report():
    assert plain_expression.evaluate("missing == 1", DATA, None) == (False, None)
    with pytest.raises(NameError):
        RestrictedEnvironment().evaluate("missing == 1", DATA)


def test_external_context_and_data_are_seen_data_first():
    assert plain_expression.evaluate("a == 1 and b == 2", {"a": 1}, {"a": 9, "b": 2}) == (True, True)


def test_a_missing_key_raises_as_in_the_sandbox():
    with pytest.raises(KeyError):
        RestrictedEnvironment().evaluate('sla_due["missing"]', DATA)


def test_a_variable_named_len_is_the_sandboxs_to_call(monkeypatch):
    sent = []
    monkeypatch.setattr(sandbox, "evaluate_limited", lambda op, src, *a: sent.append(src) or 7)
    assert RestrictedEnvironment().evaluate("len(units)", DATA | {"len": 3}) == 7
    assert sent == ["len(units)"]
