"""Validate submitted task data against the task's JSON Schema, with Chinese field messages."""
from __future__ import annotations

from jsonschema import Draft202012Validator, FormatChecker

from app.domain.errors import ValidationFailed
from app.domain.text import too_long

_CHECKER = FormatChecker()


def _message(error) -> tuple[str, str]:
    path = ".".join(str(p) for p in error.absolute_path)
    validator, value = error.validator, error.validator_value
    if validator == "required":
        missing = error.message.split("'")[1]
        return (f"{path}.{missing}" if path else missing), "必填"
    if validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return (path or ",".join(extra)), "不允许的字段"
    texts = {
        "enum": lambda: "取值须为：" + " / ".join(map(str, value)),
        "maxLength": lambda: too_long(error.instance, value) or f"长度不能超过 {value}",
        "minLength": lambda: "不能为空" if value == 1 else f"长度不能少于 {value}",
        "type": lambda: f"类型应为 {value}",
        "format": lambda: f"格式应为 {value}",
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
        raise ValidationFailed(fields={"data": ["表单数据必须是对象"]})
    if schema is None:
        if data:
            raise ValidationFailed(fields={"data": ["此任务不接受表单数据"]})
        return {}
    fields: dict[str, list[str]] = {}
    for error in Draft202012Validator(schema, format_checker=_CHECKER).iter_errors(data):
        name, text = _message(error)
        fields.setdefault(name, []).append(text)
    if fields:
        raise ValidationFailed(fields=fields)
    defaults = {k: p["default"] for k, p in schema.get("properties", {}).items()
                if "default" in p and k not in data}
    return defaults | data
