"""Expressions that need no evaluator process: process variables compared with literals.

Most gateway conditions, timer expressions and decision-table cells are of this kind
(`rating == "满意"`, `sla_due["response"]`, `len(co_units) > 0`, `info.get("returned", False)`,
`domain in ("城市管理", "市场监管")`). Such an expression reads variables, items by a literal key,
`len` and `.get`, and compares: it cannot loop, build anything bigger than what it reads, or
reach anything but the variables it names, so its cost is bounded by the data it looks at and
the sandbox's CPU and memory limits have nothing to limit. It is evaluated here, with no
builtins but `len`; everything else goes to an evaluator process (sandbox_pool).

The value is the sandbox's: RestrictedPython leaves comparisons, boolean operators and names as
they are, and its item and attribute guards refuse only names starting with "_", which a plain
expression never contains.
"""
from __future__ import annotations

import ast
from functools import lru_cache

_LEAVES = (ast.Load, ast.And, ast.Or, ast.Not, ast.USub, ast.UAdd, ast.Eq, ast.NotEq, ast.Lt,
           ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot)
_OPEN = (ast.Expression, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.IfExp, ast.Tuple, ast.List)
_GLOBALS = {"__builtins__": {}, "len": len}


def _plain(node, names: set) -> bool:
    if isinstance(node, ast.Name):
        names.add(node.id)
        return not node.id.startswith("_")
    if isinstance(node, ast.Constant):
        return not (isinstance(node.value, str) and node.value.startswith("_"))
    if isinstance(node, ast.Subscript):  # an item by a literal key: x["due"], x[0]
        key = node.slice
        return (isinstance(key, ast.Constant) and isinstance(key.value, (str, int))
                and _plain(key, names) and _plain(node.value, names))
    if isinstance(node, ast.Call):  # len(x) and x.get(key[, default]) only
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            return False
        func = node.func
        if isinstance(func, ast.Name) and func.id == "len" and len(node.args) == 1:
            names.add("len")  # a variable named len shadows it, as in the sandbox
            return _plain(node.args[0], names)
        if isinstance(func, ast.Attribute) and func.attr == "get" and 1 <= len(node.args) <= 2:
            return all(_plain(arg, names) for arg in (func.value, *node.args))
        return False
    if isinstance(node, _OPEN):
        return all(_plain(child, names) for child in ast.iter_child_nodes(node))
    return isinstance(node, _LEAVES)


@lru_cache(maxsize=4096)
def compiled(source: str):
    """(code, names) when `source` is a plain expression, else None."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        return None
    names: set = set()
    if not _plain(tree, names):
        return None
    return compile(tree, "<expression>", "eval"), frozenset(names - {"len"}), "len" in names


def evaluate(source: str, context: dict, external: dict | None):
    """(True, value) when evaluated here; (False, None) when it needs the evaluator process
    (not a plain expression, or a name that is not a variable: the sandbox reports it)."""
    found = compiled(source)
    if found is None:
        return False, None
    code, names, uses_len = found
    scope = dict(external) if external else {}
    scope.update(context)
    if not names <= scope.keys() or (uses_len and "len" in scope):
        return False, None
    return True, eval(code, _GLOBALS, {name: scope[name] for name in names})  # noqa: S307
