"""CSV and XLSX export of any table the insight pages and API show (P18).

A table is a list of (key, header) columns and a list of row dicts; the headers are the user-facing
Chinese column titles (gettext source texts). An export follows the reader's language as the page
does (the page's download link sends the same `lang` cookie and Accept-Language): on an English
page, headers, file name and the vocabulary in cells (kinds, domains, notes) are in English. CSV is UTF-8 with a BOM so that Excel opens it correctly. Text that a spreadsheet would run as a
formula (`=`, `+`, `-`, `@`, tab, carriage return first) is prefixed with `'`
(app/domain/spreadsheet.py), and XLSX text cells are always strings, never formulas.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any, Iterable, Sequence
from urllib.parse import quote

from flask import Response

from app.domain.spreadsheet import neutralise
from app.i18n import current_language, translate

EXPORT_FORMATS = ("csv", "xlsx")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Columns = Sequence[tuple[str, str]]
# The OpenAPI content of an exportable table's 200 answer: JSON, or a file with format=csv|xlsx.
EXPORT_CONTENT = {"text/csv": {"schema": {"type": "string"}},
                  XLSX_MIME: {"schema": {"type": "string", "format": "binary"}}}


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)):
        value = ("、" if current_language() == "zh" else ", ").join(str(translate(v)) for v in value)
    elif isinstance(value, str):
        value = translate(value)  # a term of the vocabulary; free text has no entry and stays
    elif isinstance(value, dict):
        value = "; ".join(f"{k}={v}" for k, v in value.items())
    return neutralise(value)


def _xlsx_cell(ws, value: Any):
    """A typed cell: numbers and dates as such, everything else as a string (data type "s",
    so that no text is ever stored as a formula)."""
    from openpyxl.cell import WriteOnlyCell
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    if value is not None and not isinstance(value, (int, float, date)):
        value = neutralise(str(value))
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def to_csv(columns: Columns, rows: Iterable[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(header) for _, header in columns])
    for row in rows:
        writer.writerow(["" if (v := _cell(row.get(key))) is None else v for key, _ in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(columns: Columns, rows: Iterable[dict], sheet: str = "data") -> bytes:
    from openpyxl import Workbook  # on first export: its import costs ~0.5 s at start-up
    book = Workbook(write_only=True)
    ws = book.create_sheet(title=sheet[:31] or "data")
    ws.append([_xlsx_cell(ws, header) for _, header in columns])
    for row in rows:
        ws.append([_xlsx_cell(ws, _cell(row.get(key))) for key, _ in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_response(columns: Columns, rows: Iterable[dict], fmt: str, filename: str) -> Response:
    """A download of the table as `filename`.csv or .xlsx (fmt must be one of EXPORT_FORMATS)."""
    rows = list(rows)
    columns = [(key, translate(header)) for key, header in columns]
    filename = translate(filename)
    if fmt == "xlsx":
        body, mimetype = to_xlsx(columns, rows, sheet=filename), XLSX_MIME
    else:
        body, mimetype = to_csv(columns, rows), "text/csv; charset=utf-8"
    name = f"{filename}.{fmt}"
    disposition = f"attachment; filename=\"{fmt}-export.{fmt}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, content_type=mimetype, headers={"Content-Disposition": disposition})
