"""Is a process file saved again the same file? (a designer's deploy of an unchanged model
deploys nothing)."""
from __future__ import annotations

import json
import re
from collections import Counter

from lxml import etree

from app.domain.errors import ValidationFailed

from .bundle import file_kind
from .model_diff import diff_contents
from .xml import XmlRejected, parse_xml

_DI_NAMESPACE = re.compile(r"/(DI|DC|DMNDI)/?$")
# Diagram attributes that are no layout: ids, and the marker bpmn-js adds to exclusive gateways.
_IGNORED_DI_ATTRIBUTES = {"id", "isMarkerVisible"}


def same_content(filename: str, old: str, new: str) -> bool:
    """Whether `new` is `old` saved again by a modeler: for BPMN/DMN the same model elements (as
    the designer's diff compares them) and the same diagram layout; for forms the same JSON.
    Formatting, attribute order, quoting, namespace prefixes, exporter stamps, default values,
    the derived incoming/outgoing and the order of diagram shapes do not count. Moving a shape
    does: it is a new version."""
    if old == new:
        return True
    if file_kind(filename) == "form":
        try:
            return json.loads(old) == json.loads(new)
        except ValueError:
            return False
    try:
        diff = diff_contents(filename, old, new)
        if diff["added"] or diff["removed"] or diff["changed"]:
            return False
        before, after = parse_xml(old), parse_xml(new)
    except (ValidationFailed, XmlRejected):
        return False
    return _model_order(before) == _model_order(after) and _layout(before) == _layout(after)


def _is_di(node) -> bool:
    return bool(_DI_NAMESPACE.search(etree.QName(node).namespace or ""))


def _model_order(root) -> list[str]:
    """The ids of the model in document order: the diff compares elements by id, but the order
    of a decision table's rules, inputs and outputs matters."""
    return [node.get("id") for node in root.iter()
            if isinstance(node.tag, str) and node.get("id") and not _is_di(node)
            and not any(_is_di(ancestor) for ancestor in node.iterancestors())]


def _layout(root) -> Counter:
    """The diagram interchange of a BPMN/DMN file, shapes and edges in any order: one entry per
    DI element with the model element it draws, its tag, its attributes (numbers compared as
    numbers) and, for a part without a reference of its own, its place among its siblings of
    that tag (the waypoints of an edge keep their order)."""
    entries: Counter = Counter()
    for node in root.iter():
        if not isinstance(node.tag, str) or not _is_di(node):
            continue
        place = 0 if _reference(node) else sum(
            1 for sibling in node.itersiblings(preceding=True) if sibling.tag == node.tag)
        attributes = tuple(sorted((etree.QName(key).localname, _number(value))
                                  for key, value in node.attrib.items()
                                  if etree.QName(key).localname not in _IGNORED_DI_ATTRIBUTES))
        entries[(_drawn(node), etree.QName(node).localname, place, attributes)] += 1
    return entries


def _drawn(node) -> str | None:
    """The model element a DI element (or the shape or edge it is part of) draws."""
    for n in (node, *node.iterancestors()):
        if _reference(n):
            return _reference(n)
    return None


def _reference(node) -> str | None:
    return node.get("bpmnElement") or node.get("dmnElementRef") or node.get("id")


def _number(value: str) -> str | float:
    try:
        return float(value)
    except ValueError:
        return value
