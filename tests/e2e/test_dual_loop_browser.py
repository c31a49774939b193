"""The dual closed loop clicked through in real browsers, one context per person: the agent takes
the call, the dispatcher routes it, the unit handles it, the enterprise is dissatisfied, the
supervisor supervises, the unit handles again, and the enterprise is satisfied (P1–P17)."""
from __future__ import annotations

import re

from app.demo.data import ENTERPRISES

ENTERPRISE = ENTERPRISES[1]  # 榄兴五金, whose contact logs in as ent2


def open_task(person, number: str, title: str) -> None:
    page = person.page
    page.goto("/tasks")
    page.click(f'tr:has(a[href="/cases/{number}"]) a.task-link:has-text("{title}")')
    page.wait_for_selector("form.task-form")


def submit_task(person, shot: str) -> None:
    """Submit the task form: on to the case's next task, the task list, or the case."""
    person.shot(shot)
    before = person.page.url
    with person.page.expect_navigation():
        person.page.click("form.task-form button[type=submit]")
    assert person.page.url != before, person.page.inner_text("main")   # not refused
    assert re.search(r"/tasks(/[0-9a-f-]+)?(\?.*)?$|/cases/QS\d{8}-\d{6}$", person.page.url)


def unit_handles(unit, number: str, round_no: int) -> None:
    page = unit.page
    open_task(unit, number, "签收")
    submit_task(unit, f"sign-{round_no}")
    open_task(unit, number, "联系企业")
    page.fill("#f-contacted_at", "2026-11-23T10:00")  # the app clock's now (P5: not in the future)
    page.select_option("#f-contact_method", "电话")
    submit_task(unit, f"contact-{round_no}")
    open_task(unit, number, "提出解决方案")
    page.fill("#f-solution", "协调园林部门移植绿化带,拓宽车辆出入口")
    submit_task(unit, f"propose-{round_no}")
    open_task(unit, number, "办结答复")
    page.select_option("#f-result", "解决")
    page.fill("#f-reply_text", "绿化带已移植,货车可正常进出" if round_no == 1 else "已重新施工并拓宽出入口")
    submit_task(unit, f"reply-{round_no}")


def enterprise_rates(enterprise, number: str, rating: str, round_no: int) -> None:
    page = enterprise.page
    page.goto("/my/cases")
    page.click(f'tr:has-text("{number}") a.rate')
    page.wait_for_selector("form.task-form")
    page.select_option("#f-rating", rating)
    if "不满意" in rating:  # P10: a dissatisfied rating says why
        page.fill("#f-rating_comment", "绿化带移走后出入口仍然太窄，货车进出困难")
    submit_task(enterprise, f"rate-{round_no}")
    assert page.url.endswith(f"/cases/{number}")          # back to its case's progress
    assert "企业已评价" in page.inner_text("#progress")


def test_four_people_close_the_loop(person, api):
    agent = person("agent1")
    page = agent.page
    page.goto("/intake")
    page.fill("#enterprise-q", ENTERPRISE["name"][3:7])
    page.locator("#enterprise-results a", has_text=ENTERPRISE["name"]).click()
    page.locator("#enterprise-card .enterprise-card").wait_for()
    page.check("input[name=kind][value=投诉]")
    page.select_option("select[name=domain]", "城市管理")
    page.fill("textarea[name=description]", "厂区门口绿化带影响货车进出,请求协调移植 <script>alert(1)</script>")
    agent.shot("intake")
    page.click("button[value=dispatch]")
    page.wait_for_url(re.compile(r"/cases/QS\d{8}-\d{6}$"))
    number = page.url.rsplit("/", 1)[-1]
    assert "待派单" in page.content()
    assert "<script>alert(1)</script>" in page.inner_text("main")  # shown as text, not run

    dispatcher = person("dispatcher1")
    open_task(dispatcher, number, "派单")
    dispatcher.page.select_option("#f-unit_code", "cgj")
    dispatcher.page.fill("#f-override_reason", "绿化带属城管局管养")
    submit_task(dispatcher, "dispatch")

    unit = person("spec_cgj")
    unit_handles(unit, number, 1)

    enterprise = person("ent2")
    enterprise_rates(enterprise, number, "不满意", 1)

    supervisor = person("supervisor1")
    open_task(supervisor, number, "督办回访")
    supervisor.page.fill("#f-instruction", "请承办单位重新联系企业,三日内完成整改")
    submit_task(supervisor, "supervise")

    unit_handles(unit, number, 2)
    enterprise_rates(enterprise, number, "满意", 2)

    enterprise.page.goto(f"/cases/{number}")
    text = enterprise.page.inner_text("main")
    assert "已结案" in text and "满意" in text
    enterprise.shot("closed")
    case = api.as_("supervisor1").get(f"/api/cases/{number}").json
    assert case["status"] == "closed" and case["dissatisfied_rounds"] == 1
    assert case["reply"]["text"] == "已重新施工并拓宽出入口"
    people = {e["actor"] for e in api.as_("supervisor1").get(f"/api/cases/{number}/history").json["events"]}
    assert {"话务员李敏", "派单员黄伟", "城管局专员吴刚", "督办员梁芳"} <= people
