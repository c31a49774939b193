"""Checks of exported files: no cell of a CSV or XLSX export can run as a formula."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from app.domain.spreadsheet import FORMULA_TRIGGERS


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_cells(body: bytes) -> list[str]:
    """Every cell of a CSV export (UTF-8 with BOM), read with the csv module."""
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""))
            for cell in row]


def xlsx_cells(body: bytes) -> list:
    """Every cell of every sheet of an XLSX export, as openpyxl loads it."""
    book = load_workbook(io.BytesIO(body))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_csv_safe(body: bytes) -> list[str]:
    cells = csv_cells(body)
    unsafe = [c for c in cells if c.startswith(FORMULA_TRIGGERS) and not _is_number(c)]
    assert not unsafe, unsafe
    return cells


def assert_xlsx_safe(body: bytes) -> list:
    cells = xlsx_cells(body)
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert not formulas, formulas
    unsafe = [c.value for c in cells
              if isinstance(c.value, str) and c.value.startswith(FORMULA_TRIGGERS)]
    assert not unsafe, unsafe
    return cells
