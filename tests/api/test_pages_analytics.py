"""The process analytics pages (issue 21) render the service's figures, in Chinese first."""
from __future__ import annotations

import re
from pathlib import Path

from tests.analytics_support import play
from tests.support import logged_in

ALL_TIME = {"from": "", "to": ""}


def test_heat_map_page_shows_the_table_and_the_diagram_data(app, api, rt):
    play(api, rt)
    client = logged_in(app, "designer1")
    html = client.get("/analytics", query_string=ALL_TIME).get_data(as_text=True)
    assert "流程热力图" in html and 'id="heat-data"' in html
    row = re.search(r'<tr data-element="sign">(.*?)</tr>', html, re.S).group(1)
    assert '<td data-figure="cases">2</td>' in row and '<td data-figure="passes">3</td>' in row
    assert "/api/analytics/elements?" in html and "format=csv" in html


def test_variants_page_lists_a_variants_cases(app, api, rt):
    numbers = play(api, rt)
    client = logged_in(app, "analyst1")
    html = client.get("/analytics/variants", query_string=ALL_TIME).get_data(as_text=True)
    ids = re.findall(r'data-variant="(\w+)"', html)
    assert len(ids) == 3
    chosen = client.get("/analytics/variants", query_string=ALL_TIME | {"variant": ids[0]}).get_data(as_text=True)
    listed = re.findall(r'class="variant-case"><td><a href="/cases/([^"]+)"', chosen)
    assert len(listed) == 1 and listed[0] in numbers.values()


def test_conformance_and_what_if_pages(app, api, rt):
    play(api, rt)
    client = logged_in(app, "designer1")
    html = client.get("/analytics/conformance", query_string=ALL_TIME).get_data(as_text=True)
    assert "偏离模型" in html
    page = client.get("/analytics/what-if", query_string=ALL_TIME).get_data(as_text=True)
    assert "decision_table_sla" in page  # the deployed table, ready to edit
    sla = Path("workflows/sla.dmn").read_text(encoding="utf-8")
    answer = client.post("/analytics/what-if?from=&to=", data={"sla_dmn": sla, "csrf_token": client.csrf})
    result = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'id="what-if-result"' in result
    bad = client.post("/analytics/what-if?from=&to=", data={"sla_dmn": "<x", "csrf_token": client.csrf})
    assert bad.status_code == 422


def test_agents_do_not_see_the_pages(app):
    assert logged_in(app, "agent1").get("/analytics").status_code == 403


def test_pages_in_english(app, api, rt):
    play(api, rt)
    client = logged_in(app, "leader1")
    client.get("/lang/en")
    html = client.get("/analytics/variants", query_string=ALL_TIME).get_data(as_text=True)
    assert "Variants" in html and "Median lead time" in html and "路径变体" not in html
    heat = client.get("/analytics", query_string=ALL_TIME).get_data(as_text=True)
    assert "Process heat map" in heat and "Legend" in heat
