"""P18: the figures of 决策分析 agree with each other. For several filters, from the rollup and
straight from the cases: the tiles equal the sums of the unit ranking's rows (under a unit filter:
that unit's row only, figure for figure), the trend and the town totals add up to the tiles, and
the CSV / XLSX exports and the page carry the same figures as the API."""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from app.services.insight import tables
from tests.insight_support import FILTERS, check_agreement, returned_cases
from tests.support import logged_in, page_figures


@pytest.fixture
def cases(api, rt):
    return returned_cases(api, rt)


@pytest.fixture
def both_sources(rt):
    """Yields a switch between the rollup and the reference (no cache between them)."""
    saved = dict(rt.settings)
    rt.settings["insight_cache"] = False

    def use(rollup: bool):
        rt.settings["insight_rollup"] = rollup
    yield use
    rt.settings.clear()
    rt.settings.update(saved)


def answers(api, params: dict) -> dict:
    leader = api.as_("leader1")
    out = {}
    for table in ("metrics", "units", "trend", "towns"):
        response = leader.get(f"/api/insight/{table}", **params)
        assert response.status == 200, (table, params, response.json)
        out[table] = response.json
    return out


def test_tiles_ranking_trend_and_towns_agree_for_every_filter(api, cases, both_sources):
    reference = {}
    for rollup in (False, True):
        both_sources(rollup)
        for params in FILTERS:
            data = answers(api, params)
            check_agreement(params, data, params.get("unit"))
            key = tuple(sorted(params.items()))
            if rollup:
                assert data == reference[key], params  # the rollup answers as the cases do
            else:
                reference[key] = data


def test_a_units_returns_are_the_returns_it_made(api, cases):
    """Day 1 cgj returned a case to scjgj; day 2 scjgj returned a red-list case to cgj; bfz's
    return was refused. Each unit's row, and its tiles under its filter, count its own returns."""
    leader = api.as_("leader1")
    rows = {r["unit_code"]: r for r in leader.get("/api/insight/units").json["items"]}
    assert {code: (r["volume"], r["returns"]) for code, r in rows.items()} == {
        "cgj": (2, 1), "scjgj": (1, 1), "bfz": (1, 0)}
    assert leader.get("/api/insight/metrics").json["returns"] == 2
    for code, volume, returned, red in (("cgj", 2, 1, 0), ("scjgj", 1, 1, 1), ("bfz", 1, 0, 0)):
        tiles = leader.get("/api/insight/metrics", unit=code).json
        assert (tiles["volume"], tiles["returns"], tiles["red_list"]["returns"]) == \
            (volume, returned, red), code
        ranking = leader.get("/api/insight/units", unit=code).json["items"]
        assert [(r["unit_code"], r["volume"], r["returns"]) for r in ranking] == \
            [(code, volume, returned)]
    # day 1 alone: cgj returned the day's only dispatched case, so its row has no demands
    day1 = leader.get("/api/insight/units", **{"from": "2026-11-23", "to": "2026-11-23"}).json
    assert [(r["unit_code"], r["volume"], r["returns"]) for r in day1["items"]] == [
        ("scjgj", 1, 0), ("cgj", 0, 1)]


def _csv(api, table: str, params: dict) -> list[dict]:
    leader = api.as_("leader1")
    raw = leader._client.get(f"/api/insight/{table}", query_string={**params, "format": "csv"},
                             headers=leader.headers)
    assert raw.status_code == 200
    return list(csv.DictReader(io.StringIO(raw.data.decode("utf-8-sig"))))


def _xlsx(api, table: str, params: dict) -> list[dict]:
    leader = api.as_("leader1")
    raw = leader._client.get(f"/api/insight/{table}", query_string={**params, "format": "xlsx"},
                             headers=leader.headers)
    sheet = load_workbook(io.BytesIO(raw.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    return [dict(zip(values[0], row)) for row in values[1:]]


def _cell(value):
    """A cell as a comparable value: numbers as floats (XLSX stores 20.0 as 20), text as text."""
    if value is None or value == "":
        return ""
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


@pytest.mark.parametrize("params", [{}, {"unit": "cgj"}, {"unit": "scjgj", "red_list": "true"},
                                    {"from": "2026-11-23", "to": "2026-11-23"}])
def test_exports_carry_the_api_figures(api, cases, params):
    data = answers(api, params)
    shown = tables.display(data["metrics"])
    red = tables.display(data["metrics"]["red_list"] or {})
    for export in (_csv, _xlsx):
        figures = {r["指标"]: r for r in export(api, "metrics", params)}
        for key, label in tables.FIGURES:
            assert _cell(figures[label]["全部"]) == _cell(shown.get(key)), (export, label)
            assert _cell(figures[label]["红名单"]) == _cell(red.get(key)), (export, label)
        units = export(api, "units", params)
        expected = [tables.display(r) for r in data["units"]["items"]]
        assert [{h: _cell(r[h]) for _, h in tables.UNIT_COLUMNS} for r in units] == \
            [{h: _cell(r.get(k)) for k, h in tables.UNIT_COLUMNS} for r in expected], export
    assert _cell(figures["退单数"]["全部"]) == sum(r["returns"] for r in data["units"]["items"])


def _page_text(key: str, value) -> str:
    if value is None:
        return "—"
    if key in tables.RATE_KEYS:
        return f"{value * 100:.1f}%"
    if key in tables.HOUR_KEYS:
        return f"{value / 3600:.1f}"
    return str(value)


@pytest.mark.parametrize("params", [{"unit": "cgj"}, {"unit": "scjgj"}, {"town": "板芙镇"}])
def test_the_page_shows_the_api_figures(app, api, cases, params):
    period = {"from": "2026-11-23", "to": "2026-11-24"}
    data = answers(api, {**params, **period})
    query = "&".join(f"{k}={v}" for k, v in {**params, **period}.items())
    html = logged_in(app, "leader1").get(f"/insight?{query}").get_data(as_text=True)
    tiles = page_figures(html)
    for key, _ in tables.FIGURES:
        assert tiles[key] == _page_text(key, data["metrics"].get(key)), key
    table = re.search(r'<table id="unit-ranking">(.*?)</table>', html, re.S).group(1)
    ranking = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", tr, re.S)]
               for tr in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)]
    assert [(r[0], r[1], r[7]) for r in ranking] == [
        (r["unit_name"], str(r["volume"]), str(r["returns"])) for r in data["units"]["items"]]
    if "unit" in params:
        assert len(ranking) == 1 and ranking[0][7] == tiles["returns"]
