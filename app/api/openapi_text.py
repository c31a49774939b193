"""The OpenAPI document states the character rule the server enforces on every text.

`app.ops.bad_bytes` refuses control characters (C0, DEL, C1) in every path, query parameter and
body text; tab, newline and carriage return only in body texts (multi-line). Each string in the
generated document without an enum, a format or a pattern of its own gets the pattern of that rule,
so that a client (or Schemathesis) that follows the document never sends what the server refuses.
The rule itself lives in `app.domain.control_chars`.
"""
from __future__ import annotations

import werkzeug.routing

from app.domain.control_chars import pattern

SINGLE_LINE = pattern(multiline=False)
MULTI_LINE = pattern(multiline=True)


def _plain_string(schema: dict) -> bool:
    return (schema.get("type") == "string"
            and not {"enum", "format", "pattern", "$ref"} & schema.keys())


def body_text_pattern(self, field, ret, **kwargs) -> dict:
    """Attribute function (apispec): a body's text may span lines."""
    return {"pattern": MULTI_LINE} if _plain_string(ret) else {}


def parameter_text_pattern(self, field, ret, **kwargs) -> dict:
    """Parameter attribute function (apispec): a query parameter is one line."""
    schema = ret.get("schema") or {}
    if schema.get("pattern") == MULTI_LINE:
        schema["pattern"] = SINGLE_LINE
    return {}


def path_text_schema(converter) -> dict:
    """A `<name>` path segment: one line of at least one character."""
    return {"type": "string", "minLength": 1, "pattern": SINGLE_LINE}


def install(api) -> None:
    """Registers the three hooks on a flask-smorest Api (before its blueprints)."""
    api.ma_plugin.converter.add_attribute_function(body_text_pattern)
    api.ma_plugin.converter.add_parameter_attribute_function(parameter_text_pattern)
    api.register_converter(werkzeug.routing.UnicodeConverter, path_text_schema)
