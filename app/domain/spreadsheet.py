"""Spreadsheet cells that cannot run as formulas (CSV / formula injection, OWASP).

Excel, LibreOffice and Google Sheets treat a cell beginning with `=`, `+`, `-` or `@` (and, after a
leading tab or carriage return, whatever follows) as a formula. Every CSV and XLSX export passes
its text through `neutralise`, which prefixes such text with a single quote so that it is shown as
typed. Numbers stay numbers: only strings are changed, so -3 in a numeric column is still -3.
"""
from __future__ import annotations

from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """`value` unchanged unless it is text beginning with a formula trigger; then "'" + value."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise_row(values) -> list:
    return [neutralise(value) for value in values]
