"""An agent takes a call in a real browser: htmx lookup, routing hint, knowledge citation, submit.
An enterprise submits a demand and finds it under 我的诉求."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from app.demo.data import ENTERPRISES


def test_agent_answers_a_consultation_from_the_knowledge_base(person, api):
    agent = person("agent1")
    page = agent.page
    page.goto("/intake")
    page.fill("#enterprise-q", "好来")
    match = page.locator("#enterprise-results a", has_text=ENTERPRISES[0]["name"])
    match.wait_for()
    assert "红名单" in match.inner_text()
    agent.shot("intake-lookup")
    match.click()
    card = page.locator("#enterprise-card .enterprise-card")
    card.wait_for()
    assert ENTERPRISES[0]["credit_code"] in card.inner_text()
    assert page.locator("#enterprise-results a").count() == 0
    assert page.locator("select[name=town]").input_value() == "板芙镇"

    page.check("input[name=kind][value=投诉]")
    page.select_option("select[name=domain]", "城市管理")
    expect(page.locator("#suggestion-hint")).to_contain_text("板芙镇")
    page.select_option("select[name=town]", "小榄镇")
    expect(page.locator("#suggestion-hint")).to_contain_text("小榄镇")

    page.check("input[name=kind][value=咨询]")
    page.select_option("select[name=domain]", "劳动和社会保障")
    expect(page.locator("#suggestion-hint")).to_contain_text("人力资源")
    page.fill("textarea[name=description]", "咨询社保缴费基数如何确定,能否按最低基数缴纳")
    page.fill("#kb-q", "社保 基数")
    cite = page.locator("#kb-results a.cite").first
    cite.wait_for()
    agent.shot("intake-knowledge")
    cite.click()
    page.locator("#direct-reply .citation").wait_for()
    assert "60%" in page.locator("textarea[name=direct_reply]").input_value()
    assert page.locator("input[name=kb_article_id]").input_value().isdigit()
    page.fill("input[name=contact_name]", "王经理")
    page.keyboard.press("Enter")  # Enter in a field does not submit the call
    page.wait_for_timeout(200)
    assert page.url.endswith("/intake")
    agent.shot("intake-filled")
    page.click("button[value=direct]")
    page.wait_for_url(re.compile(r"/cases/QS"))
    assert "已直接答复" in page.content()
    agent.shot("case-direct-reply")
    number = page.url.rsplit("/", 1)[-1]
    case = api.as_("agent1").get(f"/api/cases/{number}").json
    assert case["status"] == "direct_replied" and case["kb_article"]["title"].startswith("社保缴费基数")


def test_a_complaint_cannot_be_closed_by_a_direct_reply(person, api):
    agent = person("agent1")
    page = agent.page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/intake")
    page.fill("#enterprise-q", ENTERPRISES[1]["credit_code"][:10])
    page.locator("#enterprise-results a").first.click()
    page.locator("#enterprise-card .enterprise-card").wait_for()
    page.check("input[name=kind][value=投诉]")
    page.fill("textarea[name=description]", "<script>alert(1)</script> 门前道路积水")
    page.fill("textarea[name=direct_reply]", "已告知")
    page.click("button[value=direct]")
    page.wait_for_load_state()
    assert "只有咨询类诉求可以直接答复" in page.content()
    assert page.locator("textarea[name=description]").input_value().startswith("<script>")
    agent.shot("intake-error")
    page.click("button[value=dispatch]")
    page.wait_for_url(re.compile(r"/cases/QS"))
    assert page.locator("text=<script>alert(1)</script> 门前道路积水").count() >= 1  # as text
    assert dialogs == []
    agent.shot("case-dispatched")


def test_enterprise_submits_and_follows_its_demand(person):
    ent = person("ent2")
    page = ent.page
    page.goto("/my/submit")
    page.check("input[name=kind][value=求助]")
    page.select_option("select[name=domain]", "水电气")
    page.fill("textarea[name=description]", "新厂房用电报装已申请两周,尚未安排接电")
    ent.shot("my-submit")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/cases/QS"))
    number = page.url.rsplit("/", 1)[-1]
    page.goto("/my/cases")
    assert number in page.content() and "待派单" in page.content()
    ent.shot("my-cases")


def test_knowledge_page(person):
    dispatcher = person("dispatcher1")
    page = dispatcher.page
    page.goto("/knowledge")
    page.fill("#kb-q", "公积金")
    expect(page.locator("#kb-results")).not_to_contain_text("社保缴费基数")
    page.locator("#kb-results a", has_text="封存").click()
    page.wait_for_url(re.compile(r"/knowledge/\d+"))
    assert "30 日内" in page.content()
    dispatcher.shot("knowledge-article")


def test_agent_sees_domain_suggestions_while_typing_and_picks_one(person, app, tmp_path):
    from tests.routing_data import write_csv
    trained = app.test_cli_runner().invoke(
        args=["qisu", "routing", "train", "--csv", str(write_csv(tmp_path / "o.csv")), "--activate"])
    assert trained.exit_code == 0, trained.output
    agent = person("agent1")
    page = agent.page
    page.goto("/intake")
    page.fill("#enterprise-q", ENTERPRISES[1]["credit_code"][:10])
    page.locator("#enterprise-results a").first.click()
    page.locator("#enterprise-card .enterprise-card").wait_for()
    page.check("input[name=kind][value=投诉]")
    page.locator("#description").press_sequentially("工厂夜间废气排放严重，请环保部门处理")
    chip = page.locator("#domain-hint button[data-domain]").first
    chip.wait_for()
    assert page.locator("#domain-hint button[data-domain]").count() == 3
    assert chip.get_attribute("data-domain") == "环境保护"
    agent.shot("intake-domain-suggestions")
    chip.click()
    assert page.locator("select[name=domain]").input_value() == "环境保护"
    page.wait_for_function("() => document.querySelector('#suggestion-hint strong') !== null")
