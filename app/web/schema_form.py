"""A task's JSON Schema as an HTML form (rendered by the `_form.html` macros) and back.

`form_fields` describes each property as a widget: string → text input (textarea when maxLength
> 200), enum → select, date-time → datetime-local, array of strings → multi-select, boolean →
checkbox, integer/number → number input. `unit_code` / `co_units` offer the receiving units.
`parse_form` turns the posted fields into the data the service validates (date-times become ISO
8601 with +08:00). A field an `if`/`then` makes required (e.g. the reason of a 不满意 rating) carries
`required_when` (the controlling field and its values): the page marks it required while the
controlling field has one of them (static/js/form_rules.js); the server's validation decides.
"""
from __future__ import annotations

from datetime import datetime

from app.clock import SHANGHAI, local
from app.domain.text import normalized
from app.domain.vocab import MATTER_CLASSES, RATING_LABELS_EN, KIND_LABELS_EN

from app.i18n import current_language, gettext

UNIT_FIELDS = ("unit_code", "co_units")
TEXTAREA_OVER = 200
# Enum values shown with a label of their own (stored value → (Chinese, English)).
VALUE_LABELS = {"matter_class": MATTER_CLASSES}


def option_label(field: str, value) -> str:
    pair = VALUE_LABELS.get(field, {}).get(value)
    if pair is not None:
        return pair[1] if current_language() == "en" else pair[0]
    text = str(value)
    if current_language() == "en":
        return RATING_LABELS_EN.get(text) or KIND_LABELS_EN.get(text) or gettext(text)
    return text


def _enum_options(field: str, schema: dict) -> list[tuple[str, str]] | None:
    if "enum" in schema:
        return [(str(v), option_label(field, v)) for v in schema["enum"]]
    choices = schema.get("oneOf") or schema.get("anyOf")
    if choices and all(isinstance(c, dict) and "const" in c for c in choices):
        return [(str(c["const"]), gettext(c.get("title") or str(c["const"]))) for c in choices]
    return None


def form_fields(schema: dict | None, units: list[tuple[str, str]],
                suggested_unit: str | None = None,
                suggested: dict[str, str] | None = None,
                current: dict[str, str] | None = None) -> list[dict]:
    """One descriptor per property, in the schema's order. `suggested` maps field names to
    suggested values (e.g. the classifier's domain), marked 建议 in the options; `current` to the
    case's present values, prefilled (the suggestion is prefilled when there is none)."""
    if not schema:
        return []
    required = set(schema.get("required") or [])
    conditional = required_when(schema)
    fields = []
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        kind = prop.get("type")
        field = {"name": name, "title": gettext(prop.get("title") or name),
                 "description": gettext(prop["description"]) if prop.get("description") else "",
                 "required": name in required, "options": None, "suggested": None,
                 "maxlength": prop.get("maxLength"), "widget": "text",
                 "required_when": conditional.get(name)}
        if name in UNIT_FIELDS:
            field["options"] = list(units)   # names for people; the codes are the values
            field["widget"] = "multiselect" if kind == "array" else "select"
            if name == "unit_code":
                field["suggested"] = suggested_unit
        elif kind == "boolean":
            field["widget"] = "checkbox"
        elif kind in ("integer", "number"):
            field["widget"] = "number"
            field["step"] = "1" if kind == "integer" else "any"
        elif kind == "array":
            items = prop.get("items") or {}
            field["options"] = _enum_options(name, items)
            field["widget"] = "multiselect" if field["options"] is not None else "lines"
        elif _enum_options(name, prop) is not None:
            field["options"] = _enum_options(name, prop)
            field["widget"] = "select"
            field["suggested"] = (suggested or {}).get(name)
            field["prefill"] = (current or {}).get(name) or field["suggested"]
        elif prop.get("format") == "date-time":
            field["widget"] = "datetime"
        elif (prop.get("maxLength") or 0) > TEXTAREA_OVER:
            field["widget"] = "textarea"
        fields.append(field)
    return fields


def required_when(schema: dict) -> dict[str, dict]:
    """Fields required only under a condition on one other field (an `if`/`then` at the top or in
    `allOf`): field name → {"field": the controlling field, "values": its values that require it}."""
    result: dict[str, dict] = {}
    for branch in [schema, *(schema.get("allOf") or [])]:
        if not isinstance(branch, dict):
            continue
        condition, then = branch.get("if"), branch.get("then")
        props = condition.get("properties") if isinstance(condition, dict) else None
        if not isinstance(then, dict) or not isinstance(props, dict) or len(props) != 1:
            continue
        (control, rule), = props.items()
        values = rule.get("enum") if isinstance(rule, dict) else None
        if values is None and isinstance(rule, dict) and "const" in rule:
            values = [rule["const"]]
        for name in then.get("required") or []:
            if values:
                result[name] = {"field": control, "values": [str(v) for v in values]}
    return result


def initial_values(schema: dict | None, fields: list[dict], now: datetime) -> dict:
    """Defaults from the schema; the suggested unit for a required `unit_code`; now for times."""
    props = (schema or {}).get("properties") or {}
    values: dict = {}
    for field in fields:
        name, prop = field["name"], props.get(field["name"], {})
        default = prop.get("default")
        if field["widget"] == "datetime":  # a required time starts at now, an optional one empty
            values[name] = to_local_input(default) if default else \
                local(now).strftime("%Y-%m-%dT%H:%M") if field["required"] else ""
        elif field["widget"] in ("multiselect", "lines"):
            values[name] = [str(v) for v in default] if isinstance(default, list) else []
        elif field["widget"] == "checkbox":
            values[name] = bool(default)
        elif default is not None:
            values[name] = str(default)
        elif name == "unit_code" and field["required"] and field["suggested"]:
            values[name] = field["suggested"]
        elif field.get("prefill"):
            values[name] = field["prefill"]
        else:
            values[name] = ""
    return values


def submitted_values(fields: list[dict], form) -> dict:
    """What the user posted, to show again next to the errors."""
    values: dict = {}
    for field in fields:
        name = field["name"]
        if field["widget"] == "multiselect":
            values[name] = form.getlist(name)
        elif field["widget"] == "lines":
            values[name] = _lines(form.get(name, ""))
        elif field["widget"] == "checkbox":
            values[name] = name in form
        else:
            values[name] = normalized(form.get(name, ""))
    return values


def parse_form(schema: dict | None, fields: list[dict], form) -> tuple[dict, dict]:
    """Posted form → (data for the service, errors of fields that could not be converted).

    Empty inputs are left out, so the schema's defaults and `required` apply."""
    data: dict = {}
    errors: dict[str, list[str]] = {}
    props = (schema or {}).get("properties") or {}
    for field in fields:
        name, widget = field["name"], field["widget"]
        if widget == "checkbox":
            data[name] = name in form
            continue
        if widget == "multiselect":
            chosen = [v for v in form.getlist(name) if v != ""]
            if chosen or name in form:
                data[name] = chosen
            continue
        if widget == "lines":
            lines = _lines(form.get(name, ""))
            if lines:
                data[name] = lines
            continue
        raw = normalized(form.get(name)).strip()
        if raw == "":
            continue
        if widget == "datetime":
            try:
                data[name] = to_iso(raw)
            except ValueError:
                errors[name] = ["时间格式不正确"]
        elif widget == "number":
            try:
                data[name] = int(raw) if props.get(name, {}).get("type") == "integer" else float(raw)
            except ValueError:
                errors[name] = ["须为数字"]
        else:
            data[name] = raw
    return data, errors


def to_iso(value: str) -> str:
    """'2026-11-23T10:30' (a datetime-local input, Beijing time) → '2026-11-23T10:30:00+08:00'."""
    parsed = datetime.fromisoformat(value.strip())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SHANGHAI)
    return parsed.isoformat(timespec="seconds")


def to_local_input(value) -> str:
    """An ISO date-time → the value of a datetime-local input in Beijing time."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(SHANGHAI)
    return parsed.strftime("%Y-%m-%dT%H:%M")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
