"""CSV/XLSX export of insight tables (P18)."""
import io

from openpyxl import load_workbook

from app.api.export import to_csv, to_xlsx

COLUMNS = [("domain", "领域"), ("count", "数量"), ("towns", "镇街")]
ROWS = [{"domain": "城乡建设", "count": 3, "towns": ["小榄镇", "板芙镇"]}, {"domain": "税务", "count": None}]


def test_csv_has_bom_headers_and_joined_lists():
    text = to_csv(COLUMNS, ROWS).decode("utf-8")
    assert text.startswith("\ufeff领域,数量,镇街")
    assert "城乡建设,3,小榄镇、板芙镇" in text
    assert text.splitlines()[2] == "税务,,"


def test_xlsx_round_trips():
    book = load_workbook(io.BytesIO(to_xlsx(COLUMNS, ROWS, sheet="hotspots")))
    rows = list(book["hotspots"].iter_rows(values_only=True))
    assert rows[0] == ("领域", "数量", "镇街")
    assert rows[1] == ("城乡建设", 3, "小榄镇、板芙镇")
