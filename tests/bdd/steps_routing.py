"""Steps of the P4 classifier scenarios (features/p04_routing.feature): training a model with
the operator's command, reviewing its labels, automatic dispatch, the dispatcher's top three and
domain corrections."""
from __future__ import annotations

import re

from pytest_bdd import given, then, when
from sqlalchemy import select

from app.db.models import RoutingModel
from app.demo.data import USERS
from tests.bdd.common import complete, current, events, open_task, q, step_re
from tests.routing_data import write_csv
from tests.support import logged_in, page_figures


def _routing_cli(app, *args):
    result = app.test_cli_runner().invoke(args=["qisu", "routing", *args])
    assert result.exit_code == 0, result.output
    return result.output


@given("已用标注工单训练并启用分类模型")
def trained_model(app, tmp_path):
    _routing_cli(app, "train", "--csv", str(write_csv(tmp_path / "orders.csv")), "--activate")


@given(step_re(rf'分类模型的自动派单阈值设为 {q("value")}'))
def model_threshold(app, rt, value):
    with rt.uow() as uow:
        version = uow.session.scalar(select(RoutingModel.id).where(RoutingModel.active))
    _routing_cli(app, "activate", str(version), "--threshold", value)


@when(step_re(rf'派单员将其派往 {q("unit")}{"，"}领域改判为 {q("domain")}'))
def dispatch_with_domain(api, world, case, unit, domain):
    world.response = complete(api, "dispatcher1", case["number"], "派单",
                              {"unit_code": unit, "domain": domain, "override_reason": "派单员判断"})


@then(step_re(rf'诉求的领域为 {q("domain")}'))
def domain_is(api, case, domain):
    assert current(api, case["number"])["domain"] == domain


@then("诉求为自动派单，记录了模型版本和置信度")
def auto_dispatched(api, case):
    routing = current(api, case["number"])["routing"]
    assert routing["auto_dispatched"] is True
    assert routing["model_version"] is not None and routing["confidence"] > 0.5


@then("诉求不是自动派单，记录了模型的前三个领域建议")
def not_auto(api, case):
    routing = current(api, case["number"])["routing"]
    assert routing["auto_dispatched"] is False and len(routing["top3"]) == 3
    assert routing["model_version"] is not None


@then(step_re(rf'派单员 {q("user")} 的派单页面列出该诉求的三个领域建议及建议单位'))
def dispatch_page_lists_top3(app, api, case, user):
    task = open_task(api, case["number"], "派单")
    page = logged_in(app, user).get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert "智能识别建议" in page
    for item in current(api, case["number"])["routing"]["top3"]:
        assert item["domain"] in page


@then(step_re(rf'历史中的派单记录标明领域由 {q("before")} 改判为 {q("after")}'))
def domain_override_recorded(api, case, before, after):
    dispatch = next(e for e in events(api, case["number"])
                    if e["action"] in ("dispatch", "dispatch_override"))
    assert dispatch["after"]["domain_overridden"] is True
    assert dispatch["after"]["predicted_domain"] == before and dispatch["after"]["domain"] == after


@given(step_re(rf'标注工单第 (?P<row>\d+) 行的领域被误标为 {q("label")}'))
def mislabelled_orders(world, tmp_path, row, label):
    import csv

    from tests.routing_data import rows
    data = rows()
    index = int(row) - 2  # row 1 is the header
    data[index] = (data[index][0], label)
    world.orders = tmp_path / "noisy.csv"
    with open(world.orders, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("text", "label"), *data])


@when(step_re(rf'运维人员运行训练标注复核，所标领域的概率低于 {q("cut")} 即列出'))
def review_labels(app, world, cut):
    world.output = _routing_cli(app, "review", "--csv", str(world.orders), "--max-proba", cut)


@then(step_re(rf'复核清单第一条是第 (?P<row>\d+) 行，所标领域 {q("label")}，建议领域 {q("suggested")}'))
def first_suspect(world, row, label, suggested):
    first = next(line for line in world.output.splitlines() if line.startswith("  csv:"))
    assert first.split()[:4] == [f"csv:{row}", label, "→", suggested], world.output


@then("复核不保存新的分类模型")
def review_stores_nothing(rt):
    with rt.uow() as uow:
        assert uow.session.scalar(select(RoutingModel)) is None


# -- sample audit of automatic dispatches (分拨抽检), on the supervisor's page ------------------
def _audit_page(app, world, user) -> str:
    client = world.audit_client = getattr(world, "audit_client", None) or logged_in(app, user)
    return client.get("/routing/audit").get_data(as_text=True)


@when(step_re(rf'督办员 {q("user")} 在分拨抽检页面随机抽取 {q("size")} 件'))
def draw_on_page(app, rt, world, user, size):
    _audit_page(app, world, user)
    with rt.uow() as uow:
        version = uow.session.scalar(select(RoutingModel.id).where(RoutingModel.active))
    client = world.audit_client
    world.page = client.post(f"/routing/audit/{version}/draw", data={"csrf_token": client.csrf, "size": size},
                             follow_redirects=True).get_data(as_text=True)


@then(step_re(r'分拨抽检页面显示自动派单 (?P<auto>\d+) 件，已抽取 (?P<drawn>\d+) 件，待判定 (?P<pending>\d+) 件'))
def audit_counts(world, auto, drawn, pending):
    figures = page_figures(world.page)
    assert (figures["auto"], figures["sampled"], figures["pending"]) == (auto, drawn, pending), figures


@when(step_re(rf'督办员 {q("user")} 在分拨抽检页面判定一件领域正确，另一件领域错误、应为 {q("domain")}'))
def judge_on_page(app, world, user, domain):
    client = world.audit_client
    rows = re.findall(r'<tr data-audit="(\d+)">\s*<td[^>]*><a href="[^"]+">([^<]+)</a>', world.page)
    (right_id, _), (wrong_id, wrong_number) = rows[:2]
    for audit_id, data in ((right_id, {"verdict": "correct"}), (wrong_id, {"verdict": "wrong", "domain": domain})):
        world.page = client.post(f"/routing/audit/judge/{audit_id}", follow_redirects=True,
                                 data={"csrf_token": client.csrf, **data}).get_data(as_text=True)
    world.wrong = (wrong_id, wrong_number)


@then(step_re(rf'分拨抽检页面显示抽检精确率 {q("precision")}，95% 置信区间 {q("interval")}'))
def audited_precision(world, precision, interval):
    figures = page_figures(world.page)
    assert (figures["precision"], figures["interval"]) == (precision, interval), figures


@then(step_re(rf'判定为错误的诉求历史中有督办员 {q("user")} 的 {q("action")} 记录，正确领域为 {q("domain")}'))
def audit_in_trail(api, world, user, action, domain):
    event = next(e for e in events(api, world.wrong[1]) if e["action"] == action)
    name = next(u["display_name"] for u in USERS if u["username"] == user)
    assert (event["actor"], event["role"], event["after"]["domain"]) == (name, "supervisor", domain)


@then(step_re(rf'判定为错误的诉求领域仍为 {q("domain")}'))
def live_domain_unchanged(api, world, domain):
    assert current(api, world.wrong[1])["domain"] == domain


@then(step_re(rf'再次判定该诉求被拒绝，提示 {q("message")}'))
def judged_twice(world, message):
    client = world.audit_client
    page = client.post(f"/routing/audit/judge/{world.wrong[0]}", follow_redirects=True,
                       data={"csrf_token": client.csrf, "verdict": "correct"}).get_data(as_text=True)
    assert message in page


# -- issue 16: one suggestion, applied --------------------------------------------------------------

def _domains_fragment(app, world, agent, description, domain="", source=""):
    client = logged_in(app, agent)
    world.fragment = client.post("/intake/domains", data={
        "csrf_token": client.csrf, "description": description, "domain": domain,
        "domain_source": source, "town": "小榄镇", "kind": "投诉"}).get_data(as_text=True)


def _domain_field(html: str) -> str | None:
    match = re.search(r'<div id="domain-field"[^>]*>(.*?)</div>', html, re.S)
    return match.group(1) if match else None


@when(step_re(rf'话务员 {q("agent")} 在受理页输入诉求内容 {q("description")}'))
def intake_types(app, world, agent, description):
    _domains_fragment(app, world, agent, description)


@when(step_re(rf'话务员 {q("agent")} 已自选领域 {q("domain")} 后输入诉求内容 {q("description")}'))
def intake_types_after_choosing(app, world, agent, domain, description):
    _domains_fragment(app, world, agent, description, domain, "agent")


@then(step_re(rf'受理页的诉求领域填入 {q("domain")}，标为建议'))
def intake_domain_filled(world, domain):
    field = _domain_field(world.fragment)
    assert field is not None
    assert re.findall(r'<option value="([^"]*)"\s*selected>', field) == [domain]
    assert 'class="badge suggested"' in field and 'name="domain_source" value="suggested"' in field


@then("受理页的诉求领域不填入，只列出三个领域建议")
def intake_domain_offered(world):
    assert _domain_field(world.fragment) is None and world.fragment.count("data-domain=") == 3


@then("受理页的诉求领域不被替换")
def intake_domain_kept(world):
    assert _domain_field(world.fragment) is None and 'data-domain="环境保护"' in world.fragment


@then(step_re(rf'派单员 {q("user")} 的派单页面只有一个建议：{q("domain")} → {q("unit")}，表单预选同一领域和单位'))
def dispatch_page_one_suggestion(app, api, case, user, domain, unit):
    task = open_task(api, case["number"], "派单")
    page = logged_in(app, user).get(f"/tasks/{task['id']}").get_data(as_text=True)
    headline = re.search(r'id="dispatch-suggestion">(.*?)</p>', page, re.S).group(1)
    assert f"{domain} → {unit}" in headline
    rows = re.findall(r'<tr class="suggested">(.*?)</tr>', page, re.S)
    assert len(rows) == 1 and domain in rows[0] and unit in rows[0]
    assert re.search(rf'<option value="[^"]+" selected>{unit}（建议）</option>', page)
    assert re.search(rf'<option value="{domain}" selected>{domain}（建议）</option>', page)
    assert page.count("（建议）") == 2
