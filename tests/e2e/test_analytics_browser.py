"""In the browser (issue 21 §8): the heat map's numbers on the bpmn-js canvas match a hand count
of a small history (tests/analytics_support.py), a variant's case list matches its count, and a
what-if on the unchanged deadline table equals today's figures."""
from __future__ import annotations

from tests.analytics_support import PATH_B, play


def test_heat_map_numbers_match_the_hand_count(person, api, rt):
    play(api, rt)
    designer = person("designer1")
    designer.page.goto("/analytics")
    designer.page.wait_for_selector("#heat-map.ready")
    # The main process: 派单, three cases, median 10 minutes.
    assert designer.page.locator('.heat-badge[data-element="dispatch"]').inner_text() == "3 · 10m"
    designer.page.click("#heat-tab-unit_handling")
    canvas = designer.page.locator("#heat-unit_handling")
    # 签收: two cases (three passes: B signed twice), median 30 minutes, one of them breached.
    assert canvas.locator('.heat-badge[data-element="sign"]').inner_text() == "2 · 30m"
    assert "heat-breached" in canvas.locator('.djs-element[data-element-id="sign"]').get_attribute("class")
    assert canvas.locator('.flow-badge[data-flow="flow_sign_contact"]').inner_text() == "3"
    assert "heat-" in canvas.locator('.djs-element[data-element-id="reply"]').get_attribute("class")
    # The table says the same.
    row = designer.page.locator('#element-table tr[data-element="sign"]')
    assert row.locator('[data-figure="cases"]').inner_text() == "2"
    assert row.locator('[data-figure="passes"]').inner_text() == "3"
    assert row.locator('[data-figure="breached"]').inner_text() == "1"
    assert row.locator('[data-figure="median"]').inner_text() == "30 分钟"
    assert designer.page.locator("#heat-legend").is_visible()
    designer.shot("analytics-heat-map")
    assert designer.csp_violations == []


def test_a_variants_case_list_matches_its_count(person, api, rt):
    numbers = play(api, rt)
    analyst = person("analyst1")
    analyst.page.goto("/analytics/variants")
    rows = analyst.page.locator("#variant-table tbody tr")
    assert rows.count() == 3
    loop = analyst.page.locator("#variant-table tbody tr", has_text="督办回访")
    assert loop.locator(".step").count() == len(PATH_B)
    count = int(loop.locator('[data-figure="count"]').inner_text())
    loop.locator("a", has_text="查看诉求").click()
    analyst.page.wait_for_selector("#variant-cases")
    listed = analyst.page.locator("#variant-cases .variant-case")
    assert listed.count() == count == 1
    assert listed.first.locator("a").inner_text() == numbers["B"]
    analyst.shot("analytics-variants")


def test_what_if_on_the_unchanged_table_equals_today(person, api, rt):
    play(api, rt)
    designer = person("designer1")
    designer.page.goto("/analytics/what-if")
    designer.page.click("#what-if-form button[type=submit]")
    designer.page.wait_for_selector("#what-if-result")
    for clock in ("response", "solution", "resolution"):
        row = designer.page.locator(f'#what-if-totals tr[data-clock="{clock}"]')
        for figure in ("met", "warned", "breached"):
            today = row.locator(f'[data-which="today"][data-figure="{figure}"]').inner_text()
            draft = row.locator(f'[data-which="draft"][data-figure="{figure}"]').inner_text()
            assert today == draft, (clock, figure)
    response = designer.page.locator('#what-if-totals tr[data-clock="response"]')
    assert [response.locator(f'[data-which="today"][data-figure="{f}"]').inner_text()
            for f in ("met", "warned", "breached")] == ["1", "1", "1"]
    designer.shot("analytics-what-if")


def test_the_designer_replays_the_table_being_edited_on_past_cases(person, api, rt):
    """按历史诉求模拟 on the designer's sla.dmn: the draft in the editor (not deployed) is replayed
    in a new tab; a response limit of 100 days for every rule leaves no response breached."""
    play(api, rt)
    designer = person("designer1")
    page = designer.page
    page.goto("/designer/edit/sla.dmn")
    page.wait_for_selector("#designer[data-ready='1']", timeout=20000)
    page.click("#toggle-source")
    page.wait_for_selector("#source:not([hidden])")
    page.evaluate("""() => {
      const source = document.getElementById("source");
      source.value = source.value.replace(
        /(<outputEntry id="rule_\\d+_response_minutes">\\s*<text>)\\d+(<\\/text>)/g, "$1144000$2");
      source.dispatchEvent(new Event("input"));
    }""")
    with page.context.expect_page() as opened:
        page.click("#what-if-draft button[type=submit]")
    replay = opened.value
    replay.wait_for_selector("#what-if-result")
    assert "144000" in replay.locator("#sla-dmn").input_value()
    response = replay.locator('#what-if-totals tr[data-clock="response"]')
    today = [response.locator(f'[data-which="today"][data-figure="{f}"]').inner_text()
             for f in ("met", "warned", "breached")]
    draft = [response.locator(f'[data-which="draft"][data-figure="{f}"]').inner_text()
             for f in ("met", "warned", "breached")]
    assert today == ["1", "1", "1"] and draft == ["3", "0", "0"]
    assert replay.title().startswith("时限规则模拟")
    # Nothing was deployed: the analytics page's own table is still the deployed one.
    replay.goto("/analytics/what-if")
    assert "144000" not in replay.locator("#sla-dmn").input_value()
    designer.shot("designer-what-if")


def test_the_replay_button_is_on_the_deadline_table_only_and_speaks_english(person):
    designer = person("designer1")
    page = designer.page
    page.goto("/lang/en")
    page.goto("/designer/edit/sla.dmn")
    page.wait_for_selector("#designer[data-ready='1']", timeout=20000)
    button = page.locator("#what-if-draft button[type=submit]")
    assert button.inner_text() == "Replay on past cases"
    assert "nothing is deployed" in button.get_attribute("title")
    page.goto("/designer/edit/routing.dmn")
    page.wait_for_selector("#designer[data-ready='1']", timeout=20000)
    assert page.locator("#what-if-draft").count() == 0
