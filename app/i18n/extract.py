"""Babel extractors for the texts QiSu shows from its process bundle (see babel.cfg).

BPMN element names become task titles and diagram labels; a form schema's titles, descriptions
and enum values become the task page's labels. Both are shown through `gettext`, so both are
source texts of the catalog like the `_()` calls of the code and templates.
"""
from __future__ import annotations

import json
import re

from lxml import etree

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def extract_bpmn(fileobj, keywords, comment_tags, options):
    """Every `name` attribute with Chinese in a BPMN/DMN file."""
    root = etree.parse(fileobj).getroot()
    for element in root.iter():
        name = element.get("name") if isinstance(element.tag, str) else None
        if name and CHINESE.search(name):
            yield element.sourceline, None, name, []


def extract_form_schema(fileobj, keywords, comment_tags, options):
    """Every string with Chinese in a JSON Schema form (titles, descriptions, enum values);
    `$comment`s are for the designer, not shown."""
    text = fileobj.read().decode("utf-8")
    lines = text.splitlines()
    for value in _strings(json.loads(text)):
        if CHINESE.search(value):
            quoted = json.dumps(value, ensure_ascii=False)
            lineno = next((i for i, line in enumerate(lines, 1) if quoted in line), 1)
            yield lineno, None, value, []


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if not key.startswith("$"):
                yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
