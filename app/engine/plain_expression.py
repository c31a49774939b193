"""Expressions that need no evaluator process: comparisons of process variables with literals.

Most gateway conditions and decision-table cells are of this kind (`rating == "满意"`,
`red_list and handling_round > 1`, `domain in ("城市管理", "市场监管")`). Such an expression has
no calls, attribute or item access, arithmetic or comprehensions: it cannot loop, allocate or
reach anything but the variables it names, so its cost is bounded by the data it compares and
the sandbox's CPU and memory limits have nothing to limit. It is evaluated here, with no
builtins; everything else goes to an evaluator process (sandbox_pool).
"""
from __future__ import annotations

import ast
from functools import lru_cache

_NODES = (ast.Expression, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.Name, ast.Constant,
          ast.Tuple, ast.List, ast.Load, ast.And, ast.Or, ast.Not, ast.USub, ast.UAdd,
          ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is,
          ast.IsNot, ast.IfExp)
_NO_BUILTINS = {"__builtins__": {}}


@lru_cache(maxsize=4096)
def compiled(source: str):
    """(code, names) when `source` is a plain expression, else None."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        return None
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, _NODES):
            return None
        if isinstance(node, ast.Name):
            if node.id.startswith("_"):
                return None
            names.add(node.id)
    return compile(tree, "<expression>", "eval"), frozenset(names)


def evaluate(source: str, context: dict, external: dict | None):
    """(True, value) when evaluated here; (False, None) when it needs the evaluator process
    (not a plain expression, or a name that is not a variable: the sandbox reports it)."""
    found = compiled(source)
    if found is None:
        return False, None
    code, names = found
    scope = dict(external) if external else {}
    scope.update(context)
    if not names <= scope.keys():
        return False, None
    return True, eval(code, _NO_BUILTINS, {name: scope[name] for name in names})  # noqa: S307
