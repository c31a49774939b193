"""Characters no field of QiSu takes: control characters (C0, DEL, C1) and lone surrogates.

PostgreSQL refuses NUL in text and cannot encode a surrogate; the others are never meant.
Tab, newline and carriage return are allowed in multi-line text (a description, a CSV text).
"""
from __future__ import annotations

import re
import unicodedata

from .texts import N_

CONTROL_MESSAGE = N_("不能包含控制字符")
MULTILINE = "\t\n\r"
# C0, DEL, C1 and surrogates: a quick test before the exact one.
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def bad_character(text: str, multiline: bool = False) -> bool:
    """Whether `text` holds a character no field takes (tab/newline/CR allowed if `multiline`)."""
    if not _SUSPECT.search(text):
        return False
    return any((unicodedata.category(c) in ("Cc", "Cs")) and not (multiline and c in MULTILINE)
               for c in text)


def printable(text: str) -> str:
    """`text` with each such character shown as U+FFFD (to echo a name in an error safely)."""
    if not _SUSPECT.search(text):
        return text
    return "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Cs") else c for c in text)


def control_character_errors(values, multiline: bool = True) -> dict[str, list[str]]:
    """Field errors of a flat mapping of names to texts (a form, a query string, a CSV row)."""
    items = values.items(multi=True) if hasattr(values, "getlist") else values.items()
    return {printable(str(name)): [CONTROL_MESSAGE] for name, value in items
            if isinstance(value, str) and bad_character(value, multiline)
            or isinstance(name, str) and bad_character(name)}


class TooDeep(ValueError):
    pass


def json_errors(document, max_depth: int) -> dict[str, list[str]]:
    """Walks `document` without recursion: raises TooDeep past `max_depth` levels; returns the
    control-character errors by dotted name (`data.items.0.text`)."""
    fields: dict[str, list[str]] = {}
    stack = [(document, "", 1)]
    while stack:
        value, name, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > max_depth:
                raise TooDeep(depth)
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, child in items:
                child_name = printable(f"{name}.{key}" if name else str(key))
                if isinstance(key, str) and bad_character(key):
                    fields.setdefault(child_name, [CONTROL_MESSAGE])
                stack.append((child, child_name, depth + 1))
        elif isinstance(value, str) and bad_character(value, multiline=True):
            fields.setdefault(name or "_", [CONTROL_MESSAGE])
    return fields


def pattern(multiline: bool) -> str:
    """The rule above as a JSON Schema (ECMA-262) pattern, for the OpenAPI document: no C0, DEL
    or C1 character (tab, newline and carriage return allowed if `multiline`). Lone surrogates are
    left out: a UTF-16 pattern cannot name them without refusing every astral character."""
    allowed = MULTILINE if multiline else ""
    ranges = [(0x00, 0x1F), (0x7F, 0x9F)]
    excluded = []
    for low, high in ranges:
        run = [c for c in range(low, high + 1) if chr(c) not in allowed]
        excluded.append(_char_class(run))
    return "^[^" + "".join(excluded) + "]*$"


def _char_class(codes: list[int]) -> str:
    """`codes` (sorted) as character-class ranges of \\uXXXX escapes."""
    out, start, prev = [], None, None
    for code in codes + [None]:
        if start is not None and (code is None or code != prev + 1):
            out.append(f"\\u{start:04x}" if start == prev else f"\\u{start:04x}-\\u{prev:04x}")
            start = None
        if code is not None and start is None:
            start = code
        prev = code
    return "".join(out)
