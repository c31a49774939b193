"""What the process designer's modeler may refer to, and the check it runs while editing:
registered actions (with their parameters and help), forms, lanes known to the role table,
processes and decisions of the newest deployment; the restricted-code check of one condition or
script. The lint rules themselves: process_lint.py (server) and assets/designer/lint.js."""
from __future__ import annotations

import ast
import inspect
import textwrap

from app.domain.roles import LANE_ROLES, ROLES
from app.domain.vocab import CASE_STATUSES, CLOCKS
from app.engine.bundle import file_kind
from app.engine.lint import defined_ids
from app.engine.sandbox import check_source
from app.engine.xml import XmlRejected, parse_xml

from .actions import OPERATORS
from .deployments import bundle_files, latest, registered_actions
from .process_lint import lint_catalog


def check_code(source: str, mode: str) -> str | None:
    """The restricted checker's refusal of a condition ("eval") or script ("exec"), or None."""
    return check_source(source, "exec" if mode == "exec" else "eval")


def action_params(fn) -> list[str]:
    """The parameter names an action reads (`params.get("x")`, `params["x"]`), following the
    functions of its module that it hands `params` to."""
    module = inspect.getmodule(fn)
    seen: set[str] = set()
    names: list[str] = []

    def visit(function) -> None:
        if function.__name__ in seen:
            return
        seen.add(function.__name__)
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
        except (OSError, TypeError, SyntaxError):
            return
        for node in ast.walk(tree):
            key = None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "get" and _is_params(node.func.value) and node.args:
                key = node.args[0]
            elif isinstance(node, ast.Subscript) and _is_params(node.value):
                key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value not in names:
                names.append(key.value)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and any(_is_params(a) for a in node.args):
                callee = getattr(module, node.func.id, None)
                if inspect.isfunction(callee):
                    visit(callee)

    visit(fn)
    return names


def _is_params(node) -> bool:
    return isinstance(node, ast.Name) and node.id == "params"


def actions(names) -> list[dict]:
    """The registered actions `names`, with their help (the docstring's first paragraph) and
    parameters."""
    out = []
    for name in sorted(names):
        fn = OPERATORS.get(name)
        doc = inspect.cleandoc(fn.__doc__ or "") if fn else ""
        out.append({"name": name, "help": doc.split("\n\n")[0].replace("\n", " "),
                    "params": action_params(fn) if fn else []})
    return out


def designer_catalog(files: dict[str, str], action_names) -> dict:
    """For the modeler: actions, forms, lanes (with their role), processes and decisions."""
    processes, decisions = [], []
    for name in sorted(files):
        kind = file_kind(name)
        if kind not in ("bpmn", "dmn"):
            continue
        try:
            root = parse_xml(files[name])
        except XmlRejected:
            continue
        (processes if kind == "bpmn" else decisions).extend(defined_ids(root))
    return {
        "actions": actions(action_names),
        "forms": sorted(lint_catalog(files, action_names).forms),
        "lanes": [{"name": lane, "role": role, "label": ROLES[role]} for lane, role in LANE_ROLES.items()]
        + [{"name": code, "role": code, "label": ROLES[code]} for code in ROLES],
        "processes": sorted(processes), "decisions": sorted(decisions),
        # user task properties the engine reads (projection): caseStatus, deadlineClock
        "case_statuses": [{"value": code, "label": label} for code, label in CASE_STATUSES.items()],
        "clocks": [{"value": code, "label": label} for code, label in CLOCKS.items()],
    }


def newest_catalog(rt) -> dict:
    """designer_catalog of the deployment new cases start on (empty lists before any), with the
    actions the runtime has registered."""
    with rt.uow() as uow:
        base = latest(uow.session)
        files = bundle_files(uow.session, base) if base is not None else {}
    return designer_catalog(files, registered_actions(rt))

