"""What the process designer's modeler may refer to, and the checks it runs while editing:
registered actions (with their parameters and help), forms, lanes known to the role table,
processes and decisions of the newest deployment; QiSu's lint rules (app/engine/lint.py) over a
bundle; the restricted-code check of one condition or script."""
from __future__ import annotations

import ast
import inspect
import textwrap

from app.domain.roles import LANE_ROLES, ROLES
from app.engine.bundle import FORMS_PREFIX, file_kind
from app.engine.lint import Catalog, defined_ids, lint_bpmn
from app.engine.sandbox import check_source
from app.engine.xml import XmlRejected, parse_xml

from . import routing_actions, sla  # noqa: F401  (they register actions)
from .actions import ACTIONS


def known_lanes() -> frozenset[str]:
    """Lane names that map to a role (role_for_lane): the Chinese names and the role codes."""
    return frozenset(LANE_ROLES) | frozenset(ROLES)


def lint_catalog(files: dict[str, str]) -> Catalog:
    forms = frozenset(name[len(FORMS_PREFIX):] for name in files if file_kind(name) == "form")
    return Catalog(actions=frozenset(ACTIONS.names()), forms=forms, lanes=known_lanes())


def lint_errors(files: dict[str, str]) -> list[tuple[str, str | None, str]]:
    """(filename, element id, "rule: message") for every breach of QiSu's rules."""
    catalog = lint_catalog(files)
    found = []
    for name in sorted(files):
        if file_kind(name) != "bpmn":
            continue
        try:
            root = parse_xml(files[name])
        except XmlRejected:
            continue  # parse_bundle reports it
        found += [(name, issue.element_id, issue.message) for issue in lint_bpmn(root, catalog)]
    return found


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


def actions() -> list[dict]:
    return [{"name": name, "help": inspect.cleandoc(fn.__doc__ or "").split("\n\n")[0].replace("\n", " "),
             "params": action_params(fn)} for name, fn in ACTIONS.items()]


def designer_catalog(files: dict[str, str]) -> dict:
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
        "actions": actions(),
        "forms": sorted(lint_catalog(files).forms),
        "lanes": [{"name": lane, "role": role, "label": ROLES[role]} for lane, role in LANE_ROLES.items()]
        + [{"name": code, "role": code, "label": ROLES[code]} for code in ROLES],
        "processes": sorted(processes), "decisions": sorted(decisions),
    }


def newest_catalog(rt) -> dict:
    """designer_catalog of the deployment new cases start on (empty lists before any)."""
    from .deployments import bundle_files, latest
    with rt.uow() as uow:
        base = latest(uow.session)
        files = bundle_files(uow.session, base) if base is not None else {}
    return designer_catalog(files)
