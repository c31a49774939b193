"""Issue 19 §2: one decision-table cell checked as deploy checks it (the same restricted-code
checker), plus what deploy cannot see in a cell alone: an output literal of the wrong type."""
from __future__ import annotations

import ast

from .sandbox import check_source

KINDS = ("input", "output", "input_expression")
# DMN typeRef → the Python types a literal of that column may have
LITERAL_TYPES = {"integer": (int,), "long": (int,), "double": (int, float), "number": (int, float),
                 "boolean": (bool,), "string": (str,)}
TYPE_NAMES = {"integer": "整数", "long": "整数", "double": "数字", "number": "数字",
              "boolean": "布尔值（True/False）", "string": "带引号的字符串"}


def entry_error(source: str) -> str | None:
    """An input entry ("urgent", > 3, ? in (…)) as the engine reads it: the column's value
    compared with it, or the entry applied to the value."""
    source = source.replace("?", "dmninputexpr")
    if check_source(f"dmninput == ({source})", "eval") is None or \
            check_source(f"dmninput {source}", "eval") is None:
        return None
    return check_source(source, "eval") or check_source(f"dmninput {source}", "eval")


def cell_error(kind: str, source: str | None, type_ref: str | None = None) -> str | None:
    """Why the cell `source` of a column of `kind` (input entry, output entry, input expression)
    would be refused or would not give a value of `type_ref`; None when it is fine. An empty
    input entry matches anything; an empty output entry gives nothing."""
    if kind not in KINDS:
        raise ValueError(kind)
    if source is None or not source.strip():
        return "输入表达式不能为空" if kind == "input_expression" else None
    error = entry_error(source) if kind == "input" else check_source(source, "eval")
    if error:
        return f"表达式不被允许或有语法错误：{error}"
    if kind == "output" and type_ref in LITERAL_TYPES:
        try:
            value = ast.literal_eval(source.strip())
        except (ValueError, SyntaxError):
            return None  # an expression over the inputs: its type shows only when it runs
        expected = LITERAL_TYPES[type_ref]
        if type(value) is bool and bool not in expected or not isinstance(value, expected):
            return f"此列类型为 {type_ref}，应填写{TYPE_NAMES[type_ref]}，而不是 {source.strip()}"
    return None


def table_errors(content: str) -> dict[str, str]:
    """Every cell of every decision table of a DMN file checked: {cell id: message}. The cell id
    is the inputEntry / outputEntry / inputExpression id that dmn-js shows as data-element-id."""
    from lxml import etree

    from .xml import parse_xml
    root = parse_xml(content)
    errors: dict[str, str] = {}

    def local(node) -> str:
        return etree.QName(node).localname if isinstance(node.tag, str) else ""

    def text_of(node) -> str | None:
        texts = [child for child in node if local(child) == "text"]
        return texts[0].text if texts else None

    for table in (n for n in root.iter() if local(n) == "decisionTable"):
        outputs = [n for n in table if local(n) == "output"]
        for column in (n for n in table if local(n) == "input"):
            for expression in (n for n in column if local(n) == "inputExpression"):
                error = cell_error("input_expression", text_of(expression))
                if error and expression.get("id"):
                    errors[expression.get("id")] = error
        for rule in (n for n in table if local(n) == "rule"):
            for entry in (n for n in rule if local(n) == "inputEntry"):
                error = cell_error("input", text_of(entry))
                if error and entry.get("id"):
                    errors[entry.get("id")] = error
            for index, entry in enumerate(n for n in rule if local(n) == "outputEntry"):
                type_ref = outputs[index].get("typeRef") if index < len(outputs) else None
                error = cell_error("output", text_of(entry), type_ref)
                if error and entry.get("id"):
                    errors[entry.get("id")] = error
    return errors
