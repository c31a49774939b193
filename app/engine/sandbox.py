"""Restricted evaluation of BPMN/DMN scripts and expressions (RestrictedPython).

Scripts cannot import, open files, reach the network or touch dunder attributes: `__import__`,
`open` and friends are simply absent from the builtins, and RestrictedPython's compiler rejects
names and attributes starting with an underscore. `sandbox_policy.QisuPolicy` narrows the
language further (see there). Every evaluation runs in an evaluator process under real CPU-time
and memory limits (`sandbox_pool`, `sandbox_child`).
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

from . import plain_expression
from .sandbox_policy import QisuPolicy, binop, capped_range, iteration_budget
from .sandbox_pool import SandboxLimits, evaluate_limited

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


@lru_cache(maxsize=1)
def _shared_globals() -> dict[str, Any]:
    return _base_globals()  # each evaluation gets a copy; scripts cannot reach the shared one


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


def run_restricted(op: str, source: str, context: dict, external: dict | None) -> Any:
    """Evaluate (op "eval": the value) or execute (op "exec": the new context) restricted code
    in this process, without CPU or memory limits: `sandbox_child` runs it under them."""
    globals_ = _shared_globals()
    scope = dict(globals_)
    scope.update(external or {})
    scope.update(context)
    scope["_getiter_"] = iteration_budget()
    if op == "eval":
        return eval(compile_expression(source), scope)  # noqa: S307 - restricted code object
    exec(compile_script(source), scope)  # noqa: S102 - restricted code object
    reserved = set(globals_) | set(external or {})
    return {key: value for key, value in scope.items()
            if not (key in reserved or key.startswith("_") or callable(value) or
                    isinstance(value, ModuleType))}


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """A SpiffWorkflow script environment that runs everything through RestrictedPython, in an
    evaluator process with CPU and memory limits (`sandbox_pool`)."""

    def __init__(self, limits: SandboxLimits | None = None):
        super().__init__(_base_globals())  # what the evaluator process gives each script
        self.limits = limits or SandboxLimits()

    def evaluate(self, expression, context, external_context=None):
        done, value = plain_expression.evaluate(expression, context, external_context)
        if done:
            return value
        return evaluate_limited("eval", expression, context, external_context, self.limits)

    def execute(self, script, context, external_context=None):
        result = evaluate_limited("exec", script, context, external_context, self.limits)
        context.clear()
        context.update(result)
        return True


def check_source(source: str, mode: str) -> str | None:
    """Return an error message if `source` would be refused by the sandbox, else None."""
    try:
        (compile_expression if mode == "eval" else compile_script)(source)
    except (SandboxError, SyntaxError) as err:
        return str(err)
    return None
