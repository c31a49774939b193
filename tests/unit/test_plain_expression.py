"""Plain expressions (comparisons of variables with literals) are evaluated without an evaluator
process, with the value the sandbox would give; anything else still goes to the sandbox."""
from __future__ import annotations

import pytest

from app.engine import plain_expression, sandbox
from app.engine.sandbox import RestrictedEnvironment, run_restricted

DATA = {"rating": "不满意", "red_list": True, "handling_round": 2, "domain": "城市管理",
        "units": ["cgj", "scj"], "reply": None, "score": 3.5}

PLAIN = ['rating == "满意"', 'rating != "满意"', "red_list and handling_round > 1",
         'domain in ("城市管理", "市场监管")', '"cgj" in units', "reply is None",
         "not red_list or score >= 3", "-score < 0", '1 < handling_round <= 2',
         '"高" if red_list else "普通"', "True", '["a", "b"] == units']
NOT_PLAIN = ["len(units) > 1", "units[0] == 'cgj'", "rating.startswith('不')", "score * 2 > 6",
             "[u for u in units]", "sum(range(10)) > 3", "__import__('os')", "_x == 1"]


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
