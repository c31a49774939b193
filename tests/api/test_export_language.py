"""An export follows the reader's language, as the page it is downloaded from."""
from __future__ import annotations

import csv
import io
from urllib.parse import unquote

from openpyxl import load_workbook

DAY = {"from": "2026-11-23", "to": "2026-11-23"}


def _download(api, table, fmt, language=None):
    leader = api.as_("leader1")
    headers = dict(leader.headers, **({"Accept-Language": language} if language else {}))
    return leader._client.get(f"/api/insight/{table}", query_string={**DAY, "format": fmt}, headers=headers)


def _csv(raw):
    return list(csv.reader(io.StringIO(raw.data.decode("utf-8-sig"))))


def test_a_chinese_reader_gets_chinese_headers_vocabulary_and_file_name(api):
    api.submit(1, domain="城市管理", kind="投诉")
    raw = _download(api, "hotspots", "csv")
    rows = _csv(raw)
    assert rows[0][:3] == ["类型", "领域", "诉求量"] and ["投诉", "城市管理"] == rows[1][:2]
    assert unquote(raw.headers["Content-Disposition"]).endswith("热点领域.csv")


def test_an_english_reader_gets_english_headers_vocabulary_and_file_name(api):
    api.submit(1, domain="城市管理", kind="投诉")
    raw = _download(api, "hotspots", "csv", "en")
    rows = _csv(raw)
    assert rows[0][:3] == ["Kind", "Domain", "Demands"] and rows[1][:2] == ["Complaint", "Urban management"]
    assert unquote(raw.headers["Content-Disposition"]).endswith("Hotspots.csv")
    sheet = load_workbook(io.BytesIO(_download(api, "metrics", "xlsx", "en").data)).active
    header, first = [list(r) for r in sheet.iter_rows(max_row=2, values_only=True)]
    assert header == ["Figure", "All", "Red list"] and first[0] == "Demands"


def test_the_english_page_links_its_exports_to_the_same_language(app, api):
    from tests.support import logged_in
    client = logged_in(app, "leader1")
    client.get("/lang/en")
    api.submit(1, domain="城市管理", kind="投诉")
    raw = client.get("/api/insight/hotspots", query_string={**DAY, "format": "csv"})
    assert _csv(raw)[0][:2] == ["Kind", "Domain"]
