"""In the browser: the enterprise's own pages speak its words and show nothing staff-internal (P17),
the leader lands on 决策分析, the supervisor's overdue rows each offer an action, and a closed
case's diagram opens on the end the case reached."""
from __future__ import annotations

from app.worker import run_once

REASON = "经核实由城管部门牵头"


def _inside(outer: dict, inner: dict) -> bool:
    return (outer["x"] <= inner["x"] and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
            and outer["y"] <= inner["y"] and inner["y"] + inner["height"] <= outer["y"] + outer["height"])


def test_the_enterprise_rates_from_its_own_pages_and_sees_no_staff_data(person, api):
    # ent1 is a red-list enterprise: the staff see the mark, the enterprise does not
    number = api.submit(enterprise=0, contact_name="罗经理", contact_phone="13900139002")["number"]
    assert api.dispatch(number, "cgj", reason=REASON).status == 200
    api.unit_handles(number)

    ent = person("ent1")
    assert ent.page.url.endswith("/my/cases")
    ent.page.click("header nav >> text=待我评价")
    ent.page.wait_for_url("**/tasks")
    assert ent.page.inner_text("h1").startswith("待我评价")
    main = ent.page.inner_text("main")
    assert number in main and "去评价" in main
    for staff_word in ("待认领", "红名单", "认领", "我的待办", "按优先级"):
        assert staff_word not in main, staff_word
    assert ent.page.locator("main button").count() == 0        # no claim buttons
    ent.shot("enterprise-tasks")

    ent.page.click(f'tr:has(a[href="/cases/{number}"]) >> text=去评价')
    ent.page.wait_for_selector("select#f-rating")
    assert "请评价办理结果" in ent.page.inner_text("main") and "红名单" not in ent.page.inner_text("main")
    ent.page.select_option("select#f-rating", "满意")
    ent.page.fill("#f-rating_comment", "处理及时")
    ent.shot("enterprise-rate")
    ent.page.click("form.task-form button[type=submit]")
    ent.page.wait_for_url(f"**/cases/{number}")
    page = ent.page.inner_text("main")
    assert f"已提交评价：{number}" in page and "企业已评价" in page and "已结案" in page
    assert REASON not in page and "派单员" not in page and "办理记录" not in page
    assert ent.page.locator("#case-diagram").count() == 0
    ent.shot("enterprise-case")
    # the staff's trail and diagram do not exist for it, even with its own session
    for view in ("history", "diagram"):
        assert ent.page.request.get(f"/api/cases/{number}/{view}").status == 404, view
    assert "routing" not in ent.page.request.get(f"/api/cases/{number}").json()


def test_the_leader_lands_on_the_insight_dashboard(person):
    leader = person("leader1")
    assert leader.page.url.endswith("/insight")
    assert leader.page.locator("header nav a.active").inner_text() == "决策分析"
    leader.shot("leader-landing")


def test_every_overdue_row_on_the_supervision_page_leads_somewhere(person, api, rt):
    plain = api.submit(enterprise=4)["number"]
    api.dispatch(plain, "cgj")
    rt.clock.advance(minutes=61)
    run_once(rt)
    supervisor = person("supervisor1")
    assert supervisor.page.url.endswith("/supervision")
    row = supervisor.page.locator(f'tr:has(a[href="/cases/{plain}"])').first
    row.locator("text=诉求详情").click()
    supervisor.page.wait_for_url(f"**/cases/{plain}")
    supervisor.shot("overdue-row-to-case")


def test_a_closed_case_diagram_opens_on_its_end(person, api):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    api.unit_handles(number)
    assert api.as_("ent2").post(f"/api/cases/{number}/rating", json={"rating": "满意"}).json["closed"]

    supervisor = person("supervisor1")
    supervisor.page.goto(f"/cases/{number}")
    supervisor.page.wait_for_selector("#case-diagram.ready")
    panel = supervisor.page.locator("#diagram-enterprise_demand")
    assert panel.is_visible() and panel.get_attribute("data-focus") == "end_closed"
    end = supervisor.page.locator('#diagram-enterprise_demand .djs-element[data-element-id="end_closed"]').first
    assert "done" in (end.get_attribute("class") or "")
    assert _inside(panel.bounding_box(), end.bounding_box())     # in view when the page opens
    supervisor.shot("closed-case-diagram")
    # the called process of a closed case opens on its own end as well
    supervisor.page.click("#diagram-tab-unit_handling")
    handling = supervisor.page.locator("#diagram-unit_handling")
    focus = handling.get_attribute("data-focus")
    assert focus and focus.startswith("end")
    element = supervisor.page.locator(f'#diagram-unit_handling .djs-element[data-element-id="{focus}"]').first
    assert _inside(handling.bounding_box(), element.bounding_box())
