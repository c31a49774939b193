"""Element-level diff of two versions of a process file (the designer's 比较 view), as plain data.

BPMN/DMN: elements with an id, compared by type, name, attributes and own content; diagram
interchange (layout), derived incoming/outgoing and exporter stamps are ignored. Forms: by field.
"""
from __future__ import annotations

import json
import re

from lxml import etree

from app.domain.errors import ValidationFailed
from app.domain.texts import msg

from .bundle import file_kind
from .xml import XmlRejected, parse_xml

_DI_NAMESPACE = re.compile(r"/(DI|DC|DMNDI)/?$")
_IGNORED_ATTRIBUTES = {"exporter", "exporterVersion"}
# Attributes whose default the modelers leave out when saving: absent and default are the same.
_DEFAULTS = {"hitPolicy": "UNIQUE", "preferredOrientation": "Rule-as-Row", "cancelActivity": "true",
             "isInterrupting": "true", "isSequential": "false", "isForCompensation": "false",
             "startQuantity": "1", "completionQuantity": "1", "gatewayDirection": "Unspecified",
             "isClosed": "false", "parallelMultiple": "false"}
# A flow node's incoming/outgoing repeat the sequence flows' sourceRef/targetRef.
_DERIVED_CHILDREN = {"incoming", "outgoing"}


def diff_contents(filename: str, old: str, new: str) -> dict:
    """The elements of `filename` added, removed and changed from text `old` to text `new`.

    BPMN/DMN: every model element with an id (tag, id, name) is compared by its type, its name
    and its own content: attributes, text and the children that have no id of their own;
    diagram interchange (layout) and incoming/outgoing references are ignored. Forms: the
    top-level properties of the JSON Schema and the rest of the schema. Raises ValidationFailed
    (naming the file) when either text cannot be read."""
    try:
        if file_kind(filename) == "form":
            before, after = _form_elements(old), _form_elements(new)
        else:
            before, after = _xml_elements(old), _xml_elements(new)
    except (XmlRejected, ValueError) as err:
        raise ValidationFailed(msg("diff.unparsable", "文件无法解析，不能比较"), fields={filename: [str(err)]}) from err
    added = [_summary(after[key]) for key in after if key not in before]
    removed = [_summary(before[key]) for key in before if key not in after]
    changed = []
    for key in after:
        if key in before and before[key]["signature"] != after[key]["signature"]:
            changed.append(_changes(before[key], after[key]))
    return {"identical": old == new, "added": added, "removed": removed, "changed": changed,
            "unchanged": sum(1 for k in after if k in before) - len(changed)}


def _summary(element: dict) -> dict:
    return {"id": element["id"], "tag": element["tag"], "name": element["name"]}


def _changes(old: dict, new: dict) -> dict:
    attributes = []
    for name in sorted(set(old["attributes"]) | set(new["attributes"])):
        if name == "name":
            continue
        if old["attributes"].get(name) != new["attributes"].get(name):
            attributes.append({"name": name, "a": old["attributes"].get(name),
                               "b": new["attributes"].get(name)})
    old_lines, new_lines = old["content"], new["content"]
    return {"id": new["id"], "tag": new["tag"], "name": new["name"],
            "tag_a": old["tag"], "name_a": old["name"],
            "type_changed": old["tag"] != new["tag"], "name_changed": old["name"] != new["name"],
            "attributes": attributes,
            "content_removed": [line for line in old_lines if line not in new_lines],
            "content_added": [line for line in new_lines if line not in old_lines]}


def _is_model(node) -> bool:
    if not isinstance(node.tag, str):
        return False  # comments, processing instructions
    namespace = etree.QName(node).namespace or ""
    return not _DI_NAMESPACE.search(namespace)


def _is_model_element(node) -> bool:
    """An element of the BPMN/DMN model itself (not an extension such as spiffworkflow:*)."""
    return node.get("id") is not None and _is_model_namespace(etree.QName(node).namespace or "")


def _xml_elements(content: str) -> dict[str, dict]:
    root = parse_xml(content)
    elements: dict[str, dict] = {}
    for node in root.iter():
        if not _is_model(node) or not _is_model_element(node):
            continue
        if any(not _is_model(ancestor) for ancestor in node.iterancestors()):
            continue
        key = node.get("id")
        while key in elements:  # duplicate ids (invalid, but compare what is there)
            key += "'"
        attributes = {name: value for name, value in _attributes(node).items()
                      if name != "id" and name not in _IGNORED_ATTRIBUTES}
        content_lines = _own_content(node)
        elements[key] = {
            "id": node.get("id"), "tag": etree.QName(node).localname, "name": node.get("name"),
            "attributes": attributes, "content": content_lines,
            "signature": (etree.QName(node).localname, tuple(sorted(attributes.items())),
                          tuple(content_lines)),
        }
    return elements


_PREFIXES = {"http://www.w3.org/2001/XMLSchema-instance": "xsi",
             "http://spiffworkflow.org/bpmn/schema/1.0/core": "spiffworkflow",
             "http://camunda.org/schema/1.0/bpmn": "camunda"}


def _attributes(node) -> dict[str, str]:
    out = {}
    for key, value in node.attrib.items():
        name = _attribute_name(key)
        if _DEFAULTS.get(name) != value:
            out[name] = value
    return out


def _attribute_name(key: str) -> str:
    qname = etree.QName(key)
    if not qname.namespace or _is_model_namespace(qname.namespace):
        return qname.localname
    prefix = _PREFIXES.get(qname.namespace)
    return f"{prefix}:{qname.localname}" if prefix else f"{{{qname.namespace}}}{qname.localname}"


def _is_model_namespace(namespace: str) -> bool:
    return bool(re.search(r"/(BPMN|DMN)/[^/]+/MODEL/?$", namespace))


def _own_content(node) -> list[str]:
    """The element's text and its children without an id, one line per node, as paths."""
    lines: list[str] = []
    text = (node.text or "").strip()
    if text:
        lines.append(f"text: {text}")

    def walk(parent, path: str) -> None:
        for child in parent:
            if not _is_model(child):
                continue
            if _is_model_element(child):
                continue  # compared as an element of its own
            local = etree.QName(child).localname
            if local in _DERIVED_CHILDREN and parent is node:
                continue
            attributes = " ".join(f'{k}="{v}"' for k, v in sorted(_attributes(child).items()))
            here = f"{path}{local}" + (f"[{attributes}]" if attributes else "")
            child_text = (child.text or "").strip()
            if attributes or child_text or len(child) == 0:  # bare containers show in their children
                lines.append(here + (f": {child_text}" if child_text else ""))
            walk(child, here + "/")
    walk(node, "")
    return lines


def _form_elements(content: str) -> dict[str, dict]:
    schema = json.loads(content)
    if not isinstance(schema, dict):
        raise ValueError("表单不是 JSON 对象")
    elements = {}
    for key, value in (schema.get("properties") or {}).items():
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        title = value.get("title") if isinstance(value, dict) else None
        elements[key] = {"id": key, "tag": "property", "name": title, "attributes": {},
                         "content": [text], "signature": ("property", text)}
    rest = {k: v for k, v in schema.items() if k != "properties"}
    text = json.dumps(rest, ensure_ascii=False, sort_keys=True)
    elements["(schema)"] = {"id": "(schema)", "tag": "schema", "name": schema.get("title"),
                            "attributes": {}, "content": [text], "signature": ("schema", text)}
    return elements
