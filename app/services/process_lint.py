"""QiSu's modelling rules (app/engine/lint.py) over a bundle of process files: what deploy
enforces and the modeler shows while editing."""
from __future__ import annotations

from collections.abc import Iterable

from app.domain.roles import LANE_ROLES, ROLES
from app.engine.bundle import FORMS_PREFIX, file_kind
from app.engine.lint import Catalog, lint_bpmn
from app.engine.xml import XmlRejected, parse_xml


def known_lanes() -> frozenset[str]:
    """Lane names that map to a role (role_for_lane): the Chinese names and the role codes."""
    return frozenset(LANE_ROLES) | frozenset(ROLES)


def lint_catalog(files: dict[str, str], actions: Iterable[str] | None) -> Catalog:
    """What the files may refer to: `actions` (the registered operators; None: not checked),
    their forms, lanes."""
    forms = frozenset(name[len(FORMS_PREFIX):] for name in files if file_kind(name) == "form")
    return Catalog(actions=None if actions is None else frozenset(actions), forms=forms,
                   lanes=known_lanes())


def lint_errors(files: dict[str, str], actions: Iterable[str] | None
                ) -> list[tuple[str, str | None, str]]:
    """(filename, element id, message) for every breach of QiSu's rules in the BPMN files."""
    catalog = lint_catalog(files, actions)
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
