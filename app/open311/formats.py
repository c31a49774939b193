"""GeoReport v2 output: XML (required by the specification) and JSON (its Spark-convention twin).

The JSON form is the data itself; the XML form wraps each list in its container element with one
child element per item (services/service, attributes/attribute, values/value,
service_requests/request, errors/error). XML is generated with the standard library's
ElementTree, which escapes every text; nothing sent by a client is ever parsed as XML.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from flask import Response

FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# container element -> element of each item
LIST_ITEMS = {"services": "service", "attributes": "attribute", "values": "value",
              "service_requests": "request", "errors": "error"}
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def render(data, root: str, fmt: str, status: int = 200) -> Response:
    """`data` as `fmt`; `root` names the XML root element (a list root holds one item per entry)."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False)
    else:
        body = XML_DECLARATION + ET.tostring(element(root, data), encoding="unicode")
    return Response(body, status=status, content_type=CONTENT_TYPES[fmt])


def element(tag: str, value) -> ET.Element:
    node = ET.Element(tag)
    if isinstance(value, list):
        item_tag = LIST_ITEMS[tag]
        node.extend(element(item_tag, item) for item in value)
    elif isinstance(value, dict):
        node.extend(element(key, item) for key, item in value.items())
    elif value is not None:
        node.text = text(value)
    return node


def text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
