"""Issue 16, point 6 (P4): one suggestion, applied. At intake the classifier's top domain is
filled in (marked 建议, changeable) when its score reaches the active model's auto-dispatch
threshold, and only offered below it; the dispatch page shows one suggestion, the same in its
table and in the form's preselected domain and unit."""
from __future__ import annotations

import re

import pytest

from app.db.models import RoutingModel
from app.demo.data import ENTERPRISES
from tests.routing_data import write_csv
from tests.support import logged_in

CLEAR = "我司工厂废气排放超标的问题，请环保部门尽快处理"   # 环境保护, above the threshold
VAGUE = "今天想问一下情况"                                  # below it
PLAIN = ENTERPRISES[1]                                      # 小榄镇


@pytest.fixture
def trained(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["qisu", "routing", "train", "--csv", str(write_csv(tmp_path / "orders.csv")), "--activate"])
    assert result.exit_code == 0, result.output
    return int(re.search(r"model version (\d+)", result.output).group(1))


def text(response) -> str:
    return response.get_data(as_text=True)


def domain_field(html: str) -> str | None:
    match = re.search(r'<div id="domain-field"[^>]*>(.*?)</div>', html, re.S)
    return match.group(0) if match else None


def selected(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"\s*selected>', html)


def domains(client, **values):
    return text(client.post("/intake/domains", data={"csrf_token": client.csrf, **values}))


# -- intake --------------------------------------------------------------------------------------

def test_a_sure_classifier_fills_in_the_domain_marked_as_a_suggestion(trained, app):
    client = logged_in(app, "agent1")
    html = domains(client, description=CLEAR, domain="", domain_source="", town="小榄镇", kind="投诉")
    field = domain_field(html)
    assert field and 'hx-swap-oob="true"' in field                 # swapped into the form
    assert selected(field) == ["环境保护"] and 'class="badge suggested"' in field and ">建议<" in field
    assert 'name="domain_source" value="suggested"' in field
    hint = re.search(r'<p id="suggestion-hint"[^>]*>(.*?)</p>', html, re.S).group(0)
    assert 'hx-swap-oob="true"' in hint and "<strong>" in hint      # the unit for that domain
    assert "可自动派单" in html


def test_below_the_threshold_the_domains_are_only_offered(trained, app):
    client = logged_in(app, "agent1")
    html = domains(client, description=VAGUE, domain="", domain_source="")
    assert domain_field(html) is None                              # the field is left alone
    assert html.count("data-domain=") == 3 and "未达阈值，仅供参考，请自行选择领域" in html
    # a suggestion filled in before, no longer supported by the text, is taken back
    html = domains(client, description=VAGUE, domain="环境保护", domain_source="suggested")
    field = domain_field(html)
    assert field and selected(field) == [] and 'name="domain_source" value=""' in field


def test_the_agents_own_choice_is_never_replaced(trained, app):
    client = logged_in(app, "agent1")
    for domain in ("交通运输", ""):                                # even 未分类, when chosen by hand
        html = domains(client, description=CLEAR, domain=domain, domain_source="agent")
        assert domain_field(html) is None
    # a domain on the form with no source (e.g. a page shown again) is the agent's too
    assert domain_field(domains(client, description=CLEAR, domain="交通运输", domain_source="")) is None


def test_the_intake_page_fills_it_in_when_shown_again_and_submits_it(trained, app, api):
    client = logged_in(app, "agent1")
    form = {"csrf_token": client.csrf, "credit_code": "", "kind": "咨询", "domain": "", "town": "",
            "matter_class": "general", "description": CLEAR, "direct_reply": "", "action": "direct"}
    refused = text(client.post("/intake", data=form))               # no enterprise, no reply yet
    field = domain_field(refused)
    assert selected(field) == ["环境保护"] and 'value="suggested"' in field and ">建议<" in field
    done = client.post("/intake", data=form | {"credit_code": PLAIN["credit_code"], "domain": "环境保护",
                                               "domain_source": "suggested",
                                               "direct_reply": "已告知环保投诉渠道"})
    assert done.status_code == 302
    number = done.headers["Location"].rsplit("/", 1)[-1]
    case = api.as_("agent1").get(f"/api/cases/{number}").json
    assert case["status"] == "direct_replied" and case["domain"] == "环境保护"   # not 未分类


def test_without_a_model_nothing_is_filled_in(app):
    client = logged_in(app, "agent1")
    html = domains(client, description=CLEAR, domain="", domain_source="")
    assert domain_field(html) is None and "未启用分类模型" in html


# -- dispatch ------------------------------------------------------------------------------------

def dispatch_page(api, app, number) -> str:
    task = api.as_("dispatcher1").task_for(number, "dispatch")
    return text(logged_in(app, "dispatcher1").get(f"/tasks/{task['id']}"))


def field_html(html: str, name: str) -> str:
    return re.search(rf'<div class="field[^"]*" data-field="{name}">(.*?)</div>', html, re.S).group(1)


def suggested_row(html: str) -> list[str]:
    section = re.search(r'id="domain-suggestions">(.*?)</section>', html, re.S).group(1)
    rows = re.findall(r'<tr class="suggested">(.*?)</tr>', section, re.S)
    assert len(rows) == 1, rows                                     # one suggestion
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", rows[0], re.S)]


def test_the_agents_domain_is_the_one_suggestion_in_table_and_form(trained, api, app):
    case = api.submit(description=CLEAR, domain="城市管理", town="小榄镇")   # agent disagrees
    assert case["status"] == "dispatching" and case["routing"]["predicted_domain"] == "环境保护"
    html = dispatch_page(api, app, case["number"])
    headline = re.search(r'id="dispatch-suggestion">(.*?)</p>', html, re.S).group(1)
    assert "城市管理 → 小榄镇" in headline and "受理时选定的领域" in headline
    assert suggested_row(html) == ["城市管理 建议", "受理时选定", "小榄镇"]
    unit = field_html(html, "unit_code")
    assert selected(unit) == ["xlz"] and re.search(r'<option value="xlz" selected>小榄镇（建议）</option>', unit)
    domain = field_html(html, "domain")
    assert selected(domain) == ["城市管理"] and "城市管理（建议）" in domain
    assert "环境保护（建议）" not in domain                         # no second suggestion
    assert html.count("（建议）") == 2


def test_without_the_agents_domain_the_classifiers_top_domain_is_the_suggestion(trained, api, app):
    case = api.submit(description=VAGUE, domain=None, town="小榄镇")
    predicted = case["routing"]["predicted_domain"]
    html = dispatch_page(api, app, case["number"])
    row = suggested_row(html)
    assert predicted == "环境保护" and row[:2] == ["环境保护 建议", f"{case['routing']['confidence']:.0%}"]
    assert case["suggested_unit"] == "sthjj"                   # the routing table, at intake
    assert row[2] == "市生态环境局"
    unit = field_html(html, "unit_code")
    assert selected(unit) == ["sthjj"] and "市生态环境局（建议）" in unit
    assert selected(field_html(html, "domain")) == [predicted]
    assert "智能识别的首选领域" in html


def test_without_a_model_the_agents_domain_is_still_one_suggestion(api, app):
    number = api.submit()["number"]                                  # 城市管理, 小榄镇 → xlz
    html = dispatch_page(api, app, number)
    assert suggested_row(html) == ["城市管理 建议", "受理时选定", "小榄镇"]
    assert selected(field_html(html, "unit_code")) == ["xlz"]


def test_the_intake_page_says_when_automatic_dispatch_is_off(app, tmp_path):
    client = logged_in(app, "agent1")
    assert "自动派单未启用" in text(client.get("/intake"))          # no model yet (e.g. a first start)
    result = app.test_cli_runner().invoke(
        args=["qisu", "routing", "train", "--csv", str(write_csv(tmp_path / "orders.csv")), "--activate"])
    assert result.exit_code == 0, result.output
    assert "自动派单未启用" not in text(client.get("/intake"))
    version = int(re.search(r"model version (\d+)", result.output).group(1))
    with app.extensions["qisu"].uow() as uow:                     # a threshold nothing can reach
        uow.session.get(RoutingModel, version).threshold = float("inf")
        uow.commit()
    assert "自动派单未启用" in text(client.get("/intake"))
