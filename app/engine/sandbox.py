"""Restricted evaluation of BPMN/DMN scripts and expressions (RestrictedPython).

Scripts cannot import, open files, reach the network or touch dunder attributes: `__import__`,
`open` and friends are simply absent from the builtins, and RestrictedPython's compiler rejects
names and attributes starting with an underscore. `sandbox_policy.QisuPolicy` narrows the
language further and bounds CPU and memory (see there).
"""
from __future__ import annotations

import datetime
from functools import lru_cache
from types import ModuleType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (full_write_guard, guarded_iter_unpack_sequence,
                                     guarded_unpack_sequence, safe_builtins, safer_getattr)
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from .sandbox_policy import QisuPolicy, binop, capped_range, iteration_budget

_EXTRA_BUILTINS = {
    name: obj for name, obj in {
        "dict": dict, "list": list, "set": set, "frozenset": frozenset, "tuple": tuple,
        "sum": sum, "min": min, "max": max, "any": any, "all": all, "sorted": sorted,
        "enumerate": enumerate, "zip": zip, "map": map, "filter": filter, "reversed": reversed,
        "range": capped_range, "len": len, "abs": abs, "round": round,
    }.items()
}

_INPLACE_OPS = {
    "+=": lambda a, b: a + b, "-=": lambda a, b: a - b, "*=": lambda a, b: a * b,
    "/=": lambda a, b: a / b, "//=": lambda a, b: a // b, "%=": lambda a, b: a % b,
}


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    try:
        return _INPLACE_OPS[op](x, y)
    except KeyError:
        raise SyntaxError(f"operator {op} is not allowed") from None


def _base_globals() -> dict[str, Any]:
    builtins = dict(safe_builtins)
    builtins.update(_EXTRA_BUILTINS)
    for name in ("setattr", "delattr", "pow", "__build_class__", "_getattr_"):
        builtins.pop(name, None)  # refused by QisuPolicy as well; nothing left to reach them
    return {
        "__builtins__": builtins,
        "_getattr_": safer_getattr,
        "_getitem_": default_guarded_getitem,
        "_getiter_": default_guarded_getiter,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": full_write_guard,
        "_inplacevar_": _inplacevar,
        "_binop_": binop,
        # Classes only: the `datetime` module itself exposes `sys`, which would be an escape.
        "date": datetime.date,
        "datetime": datetime.datetime,
        "timedelta": datetime.timedelta,
    }


class SandboxError(Exception):
    """A script or expression that the sandbox refuses to compile."""


@lru_cache(maxsize=4096)
def compile_expression(source: str):
    result = compile_restricted_eval(source.strip(), "<expression>", policy=QisuPolicy)
    if result.errors:
        raise SandboxError("; ".join(result.errors))
    return result.code


@lru_cache(maxsize=1024)
def compile_script(source: str):
    result = compile_restricted_exec(source, "<string>", policy=QisuPolicy)
    if result.errors:
        raise SandboxError("; ".join(result.errors))
    return result.code


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """A SpiffWorkflow script environment that runs everything through RestrictedPython."""

    def __init__(self):
        super().__init__(_base_globals())

    def evaluate(self, expression, context, external_context=None):
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        scope["_getiter_"] = iteration_budget()
        return eval(compile_expression(expression), scope)  # noqa: S307 - restricted code object

    def execute(self, script, context, external_context=None):
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        scope["_getiter_"] = iteration_budget()
        exec(compile_script(script), scope)  # noqa: S102 - restricted code object
        reserved = set(self.globals) | set(external_context or {})
        for key in list(context):
            if key not in scope:
                del context[key]
        for key, value in scope.items():
            if key in reserved or key.startswith("_") or callable(value) or \
                    isinstance(value, ModuleType):
                continue
            context[key] = value
        return True


def check_source(source: str, mode: str) -> str | None:
    """Return an error message if `source` would be refused by the sandbox, else None."""
    try:
        (compile_expression if mode == "eval" else compile_script)(source)
    except (SandboxError, SyntaxError) as err:
        return str(err)
    return None
