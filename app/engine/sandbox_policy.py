"""The sandbox's compile policy and run-time limits, on top of RestrictedPython.

Refused when a file is deployed (compile time), with a message naming the construct:
imports, `while` loops, class definitions, decorators, functions that call themselves, `global`/`nonlocal`, lambdas, generators,
names that reach attributes or code by string (`getattr`, `vars`, `type`, `compile`, ...) and the
`format`/`format_map`/`mro` attributes (a format string reads attributes without the guard).
RestrictedPython itself refuses names and attributes starting with `_` and frame attributes
(`gi_frame`, `f_back`, ...).

Bounded at run time, besides the CPU-time and memory limits of the evaluator process
(`sandbox_pool`), which hold whatever gets past these checks: `a ** b`, `a * b` and `a << b` are computed by `_binop_`,
which refuses results beyond the limits below; `range` is capped; and every `for` loop or
comprehension draws from one iteration budget per evaluation.
"""
from __future__ import annotations

import ast
import math
from typing import Any

from RestrictedPython.Eval import default_guarded_getiter
from RestrictedPython.transformer import RestrictingNodeTransformer

FORBIDDEN_NAMES = frozenset({
    "getattr", "setattr", "delattr", "hasattr", "vars", "globals", "locals", "dir", "type", "object",
    "super", "compile", "eval", "exec", "open", "input", "help", "memoryview", "classmethod",
    "staticmethod", "property", "breakpoint", "exit", "quit", "pow",
    # Modules are never in scope; naming one is an attempt, refused at deploy rather than at run.
    "importlib", "builtins", "os", "sys", "subprocess", "socket", "shutil", "pathlib", "io",
    "operator", "inspect", "ctypes", "posix", "SpiffWorkflow",
})
FORBIDDEN_ATTRIBUTES = frozenset({"format", "format_map", "mro"})
MAX_SEQUENCE = 100_000       # items or characters a `*` may produce
MAX_INT_BITS = 4096          # size of an integer `**` or `<<` may produce
MAX_RANGE = 100_000          # items of one range()
MAX_ITERATIONS = 1_000_000   # loop steps of one script or expression
LIMIT_MESSAGE = "超出沙箱限制"


class QisuPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, narrower (see the module docstring)."""

    def _refuse(self, node, what: str):
        self.error(node, f"{what} 不被允许")
        return node

    def visit_Import(self, node):
        return self._refuse(node, "import")

    def visit_ImportFrom(self, node):
        return self._refuse(node, "import")

    def visit_While(self, node):
        return self._refuse(node, "while 循环")

    def visit_ClassDef(self, node):
        return self._refuse(node, "class 定义")

    def visit_Global(self, node):
        return self._refuse(node, "global")

    def visit_Nonlocal(self, node):
        return self._refuse(node, "nonlocal")

    def visit_Lambda(self, node):
        return self._refuse(node, "lambda")

    def visit_Yield(self, node):
        return self._refuse(node, "yield")

    def visit_YieldFrom(self, node):
        return self._refuse(node, "yield")

    def visit_GeneratorExp(self, node):
        return self._refuse(node, "生成器表达式(请用列表推导式)")

    def visit_FunctionDef(self, node):
        if node.decorator_list:
            return self._refuse(node, "装饰器")
        if any(isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and
               call.func.id == node.name for call in ast.walk(node)):
            return self._refuse(node, f'递归函数 "{node.name}"')  # the CPU limit stops the rest
        return super().visit_FunctionDef(node)

    def visit_Name(self, node):
        if node.id in FORBIDDEN_NAMES:
            return self._refuse(node, f'"{node.id}"')
        return super().visit_Name(node)

    def visit_Attribute(self, node):
        if node.attr in FORBIDDEN_ATTRIBUTES:
            return self._refuse(node, f'属性 "{node.attr}"')
        return super().visit_Attribute(node)

    def visit_BinOp(self, node):
        node = self.node_contents_visit(node)
        op = {ast.Pow: "**", ast.Mult: "*", ast.LShift: "<<"}.get(type(node.op))
        if op is None:
            return node
        call = ast.Call(func=ast.Name("_binop_", ast.Load()),
                        args=[ast.Constant(op), node.left, node.right], keywords=[])
        ast.copy_location(call, node)
        return ast.fix_missing_locations(call)

    def visit_AugAssign(self, node):
        if isinstance(node.op, (ast.Pow, ast.Mult, ast.LShift)):
            return self._refuse(node, "**=、*=、<<=")
        return super().visit_AugAssign(node)


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


def binop(op: str, left: Any, right: Any) -> Any:
    """`left op right`, refused when the result would exceed the sandbox's limits."""
    if op == "*":
        for seq, times in ((left, right), (right, left)):
            size = _size(seq)
            if size is not None and isinstance(times, int) and size * times > MAX_SEQUENCE:
                raise ValueError(f"{LIMIT_MESSAGE}: 结果过长")
        return left * right
    if op == "**":
        if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and \
                right * math.log2(abs(left)) > MAX_INT_BITS:
            raise ValueError(f"{LIMIT_MESSAGE}: 乘方结果过大")
        return left ** right
    if isinstance(left, int) and isinstance(right, int) and right > MAX_INT_BITS:
        raise ValueError(f"{LIMIT_MESSAGE}: 移位过大")
    return left << right


def capped_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise ValueError(f"{LIMIT_MESSAGE}: range 过大(上限 {MAX_RANGE})")
    return result


def iteration_budget(limit: int = MAX_ITERATIONS):
    """A `_getiter_` whose iterators together yield at most `limit` items."""
    left = [limit]

    def getiter(obj):
        for item in default_guarded_getiter(obj):
            left[0] -= 1
            if left[0] < 0:
                raise ValueError(f"{LIMIT_MESSAGE}: 循环次数过多")
            yield item
    return getiter
