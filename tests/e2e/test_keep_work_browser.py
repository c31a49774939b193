"""Issue 16 in the browser: the pages keep people's work (claim keeps the typed form, on to the
same case's next task, a live character counter, every missing intake field at once) and one
suggestion is applied (the classifier's domain filled in at intake when it is sure enough)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.demo.data import ENTERPRISES
from tests.routing_data import write_csv

CLEAR = "我司工厂废气排放超标的问题，请环保部门尽快处理"   # 环境保护, above the threshold
VAGUE = "今天想问一下情况"


@pytest.fixture
def trained(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["qisu", "routing", "train", "--csv", str(write_csv(tmp_path / "orders.csv")), "--activate"])
    assert result.exit_code == 0, result.output


def test_claiming_keeps_what_was_typed_and_the_unit_goes_on_to_the_next_step(person, api):
    number = api.submit()["number"]
    api.submit(description="另一件诉求：园区路灯不亮")
    api.dispatch(number, "cgj")
    unit = person("spec_cgj")
    page = unit.page
    page.goto("/tasks")
    page.click(f'tr:has(a[href="/cases/{number}"]) a.task-link')
    page.wait_for_selector("#f-note")
    task_url = page.url
    page.fill("#f-note", "已与企业约定明早到场查看")
    page.click("#task-card button:has-text('认领')")
    expect(page.locator("#task-card .badge.claimed")).to_have_text("已由我认领")
    assert page.url == task_url                                     # no reload
    assert page.input_value("#f-note") == "已与企业约定明早到场查看"    # the typed note is kept
    unit.shot("claimed-keeps-note")

    with page.expect_navigation():
        page.click("form.task-form button[type=submit]")
    assert page.url != task_url and "/tasks/" in page.url          # the next step of this case
    assert f"已办理：{number} 签收" in page.inner_text(".flashes")
    assert "联系企业" in page.inner_text("h1") and number in page.inner_text("h1")
    page.select_option("#f-contact_method", "电话")
    with page.expect_navigation():
        page.click("form.task-form button[type=submit]")
    assert f"已办理：{number} 联系企业" in page.inner_text(".flashes")
    assert "提出解决方案" in page.inner_text("h1") and number in page.inner_text("h1")
    unit.shot("next-step-of-the-case")


def test_a_long_text_is_counted_not_cut(person, api):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    unit_api = api.as_("spec_cgj")
    assert unit_api.complete(number, "sign", {}).status == 200
    task = unit_api.task_for(number, "contact")
    unit = person("spec_cgj")
    page = unit.page
    page.goto(f"/tasks/{task['id']}")
    counter = page.locator("#f-contact_note-count")
    expect(counter).to_have_text("0/1000")
    page.fill("#f-contact_note", "联" * 999)
    expect(counter).to_have_text("999/1000")
    page.locator("#f-contact_note").press("End")
    page.keyboard.type("系")
    expect(counter).to_have_text("已达上限 1000 字")
    page.keyboard.insert_text("人员")                               # as a paste would
    expect(counter).to_have_text("超出 2 字（上限 1000 字），请删减后再提交")
    assert len(page.input_value("#f-contact_note")) == 1002         # nothing cut
    unit.shot("counter-over")
    page.select_option("#f-contact_method", "电话")
    page.click("form.task-form button[type=submit]")
    page.wait_for_selector('[data-field="contact_note"] .field-error')
    assert "不能超过 1000 字（现有 1002 字），请删减" in page.inner_text('[data-field="contact_note"]')
    assert len(page.input_value("#f-contact_note")) == 1002         # kept for editing
    expect(page.locator("#f-contact_note-count")).to_have_text("超出 2 字（上限 1000 字），请删减后再提交")


def test_intake_names_every_missing_field_at_once(person, api):
    agent = person("agent1")
    page = agent.page
    page.goto("/intake")
    page.check("input[name=kind][value=投诉]")
    page.fill("input[name=contact_phone]", "12345")
    with page.expect_navigation():
        page.click("button[value=dispatch]")
    for name in ("credit_code", "description", "contact_phone"):
        assert page.locator(f"#error-{name}").count() >= 1, name
    assert "请先查询并选择企业" in page.inner_text("main")
    assert "请填写诉求内容" in page.inner_text("main")
    assert page.input_value("input[name=contact_phone]") == "12345"
    agent.shot("intake-every-error")
    assert api.as_("agent1").get("/api/cases").json["total"] == 0


def test_a_sure_classifier_fills_in_the_domain_at_intake(person, api, trained):
    agent = person("agent1")
    page = agent.page
    page.goto("/intake")
    page.fill("#enterprise-q", ENTERPRISES[1]["name"][3:7])
    page.locator("#enterprise-results a", has_text=ENTERPRISES[1]["name"]).click()
    page.locator("#enterprise-card .enterprise-card").wait_for()
    page.check("input[name=kind][value=咨询]")
    page.fill("#description", VAGUE)
    expect(page.locator("#domain-hint button[data-domain]")).to_have_count(3)
    assert page.input_value("#intake-domain") == ""                # below the threshold: offered only
    page.fill("#description", CLEAR)
    expect(page.locator("#intake-domain")).to_have_value("环境保护")
    expect(page.locator("#domain-field .badge.suggested")).to_have_text("建议")
    expect(page.locator("#suggestion-hint")).to_contain_text("生态环境")
    agent.shot("intake-domain-suggested")
    page.select_option("#intake-domain", "交通运输")                 # the agent's own choice
    expect(page.locator("#domain-field .badge.suggested")).to_have_count(0)
    with page.expect_response(lambda response: "/intake/domains" in response.url):
        page.fill("#description", CLEAR + "，谢谢")
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")
    expect(page.locator("#domain-hint")).to_contain_text("环境保护")
    assert page.input_value("#intake-domain") == "交通运输"         # never replaced
    page.select_option("#intake-domain", "环境保护")
    page.fill("textarea[name=direct_reply]", "已告知环保投诉受理渠道")
    with page.expect_navigation():
        page.click("button[value=direct]")
    assert re.search(r"/cases/QS", page.url)
    number = page.url.rsplit("/", 1)[-1]
    case = api.as_("agent1").get(f"/api/cases/{number}").json
    assert case["status"] == "direct_replied" and case["domain"] == "环境保护"
