"""Validate submitted task data against the task's JSON Schema, with Chinese field messages.

Formats (`date-time`, `date`, `email`, …) are checked: the format libraries come with
`jsonschema[format-nongpl]`, and a form naming a format nobody checks is refused at deployment
(app/engine/bundle.py). A rule in an `if`/`then` conditional is reported with its condition
("满意度为不满意或非常不满意时必填", "…时不能为空"). Rules no schema can say (e.g. a contact time not in the future)
are per-form rules in `form_rules.py`, run after the schema passed.
"""
from __future__ import annotations

from app.domain.errors import ValidationFailed
from app.domain.text import too_long
from app.domain.texts import msg

_CHECKER = None  # jsonschema's FormatChecker, made on first use (its import costs ~1 s)

FORMAT_TEXTS = {
    "date-time": "格式应为日期时间，如 2026-11-23T10:30:00+08:00",
    "date": "格式应为日期，如 2026-11-23",
    "time": "格式应为时间，如 10:30:00+08:00",
    "email": "格式应为电子邮箱地址",
    "idn-email": "格式应为电子邮箱地址",
    "uri": "格式应为网址，如 https://example.cn/",
    "duration": "格式应为时长，如 P3D",
    "ipv4": "格式应为 IPv4 地址",
    "ipv6": "格式应为 IPv6 地址",
    "hostname": "格式应为主机名",
    "uuid": "格式应为 UUID",
}
BLANK = "\\S"  # the pattern of a text that may not be blank


def _format_checker():
    global _CHECKER
    if _CHECKER is None:
        from jsonschema import FormatChecker
        _CHECKER = FormatChecker()
    return _CHECKER


def _validator(schema: dict):
    from jsonschema import Draft202012Validator
    return Draft202012Validator(schema, format_checker=_format_checker())


def checked_formats() -> frozenset[str]:
    """The formats this installation really checks (the others would pass anything)."""
    return frozenset(_format_checker().checkers)


def _condition(schema: dict, error) -> str | None:
    """'满意度为不满意或非常不满意时' when `error` comes from the `then` of an if/then."""
    path = list(error.schema_path)
    if "then" not in path:
        return None
    node = schema
    for key in path[:len(path) - 1 - path[::-1].index("then")]:
        node = node[key]
    titles = schema.get("properties") or {}
    parts = []
    for name, sub in ((node.get("if") or {}).get("properties") or {}).items():
        values = sub.get("enum") if isinstance(sub, dict) else None
        if values is None and isinstance(sub, dict) and "const" in sub:
            values = [sub["const"]]
        if values:
            title = (titles.get(name) or {}).get("title") or name
            parts.append(f"{title}为{'或'.join(map(str, values))}")
    return "，".join(parts) + "时" if parts else None


def _message(schema: dict, error) -> tuple[str, str]:
    path = ".".join(str(p) for p in error.absolute_path)
    validator, value = error.validator, error.validator_value
    condition = _condition(schema, error) or ""
    if validator == "required":
        missing = error.message.split("'")[1]
        return (f"{path}.{missing}" if path else missing), f"{condition}必填"
    if (validator, value) in (("minLength", 1), ("pattern", BLANK)):
        return path or "_", f"{condition}不能为空"
    if validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return (path or ",".join(extra)), "不允许的字段"
    texts = {
        "enum": lambda: "取值须为：" + " / ".join(map(str, value)),
        "maxLength": lambda: too_long(error.instance, value) or f"长度不能超过 {value}",
        "minLength": lambda: f"长度不能少于 {value}",
        "type": lambda: f"类型应为 {value}",
        "format": lambda: FORMAT_TEXTS.get(value, f"格式应为 {value}"),
        "pattern": lambda: "格式不正确",
        "minimum": lambda: f"不能小于 {value}",
        "maximum": lambda: f"不能大于 {value}",
        "uniqueItems": lambda: "不能有重复项",
        "maxItems": lambda: f"最多 {value} 项",
        "minItems": lambda: f"至少 {value} 项",
        "const": lambda: f"取值须为 {value}",
    }
    return path or "_", texts.get(validator, lambda: error.message)()


def validate_form(schema: dict | None, data: dict) -> dict:
    if not isinstance(data, dict):
        raise ValidationFailed(fields={"data": [msg("form.not_object", "表单数据必须是对象")]})
    if schema is None:
        if data:
            raise ValidationFailed(fields={"data": [msg("form.no_data", "此任务不接受表单数据")]})
        return {}
    fields: dict[str, list[str]] = {}
    for error in _validator(schema).iter_errors(data):
        name, text = _message(schema, error)
        if text not in fields.get(name, []):
            fields.setdefault(name, []).append(text)
    if fields:
        raise ValidationFailed(fields=fields)
    defaults = {k: p["default"] for k, p in schema.get("properties", {}).items()
                if "default" in p and k not in data}
    return defaults | data
