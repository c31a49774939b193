"""Steps of the P18 signals scenarios (features/p18_common_problems.feature, p18_surges.feature).

Historical cases are inserted directly (tests/signals_support.py): the insight reads only the case
rows, and hundreds of cases through the workflow would only slow the suite. Everything else goes
through the HTTP API and the `flask qisu insight surges` command; the supervisors' notifications
are read from the outbox, which has no API.
"""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pytest_bdd import given, parsers, then, when
from sqlalchemy import select

from app.db.models import OutboxMessage
from app.demo.data import TOWNS
from app.services.signals.common_problems import clear_cache
from tests.bdd.common import SEP, q, step_re
from tests.conftest import START
from tests.signals_support import BACKGROUND, clear_alerts, insert_cases, spread
from tests.support import Response

OTHERS = ("好来化工", "华信电子", "恒达纺织", "健和医疗", "古劳鸿运", "顺昌包装", "智联精密",
          "新锐物流", "宏远建筑", "联创生物")
ROLE = r"(?:分析员|督办员|领导|话务员|管理员)\s*"


@pytest.fixture(autouse=True)
def signals_cleanup(rt):
    """Fresh analysis cache and no alerts (the suite's clean-up leaves surge_alerts alone)."""
    previous = dict(rt.settings["common_problems"])
    clear_cache()
    yield
    clear_alerts(rt)
    clear_cache()
    rt.settings["common_problems"] = previous


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.replace("，", "、").replace(",", "、").split("、") if n.strip()]


# -- common problems ----------------------------------------------------------------------------

@given(parsers.parse("其他企业近几天反映了 {count:d} 件各不相同的诉求"))
def background(rt, app, count):
    insert_cases(rt, app, [{"enterprise": OTHERS[i % len(OTHERS)], "town": "板芙镇",
                            "domain": "城乡建设", "description": BACKGROUND[i % len(BACKGROUND)],
                            "created_at": START - timedelta(days=1 + i % 5, hours=i)}
                           for i in range(count)])


@given(step_re(r"以下企业近几天反映了诉求[:：]"))
def demands_table(rt, app, datatable):
    header, *rows = datatable
    rows = [dict(zip(header, row)) for row in rows]
    insert_cases(rt, app, [{"enterprise": r["企业"], "town": r["镇街"], "domain": r["领域"],
                            "description": r["内容"], "unit": "xlz" if r["镇街"] == "小榄镇" else None,
                            "created_at": START - timedelta(days=int(r["几天前"]), hours=i)}
                           for i, r in enumerate(rows)])


@given(step_re(rf'企业 {q("ent")} 近几天 (?P<times>\d+) 次反映 {q("text")}'))
def repeated(rt, app, ent, times, text):
    insert_cases(rt, app, [{"enterprise": ent, "town": "板芙镇", "description": text,
                            "created_at": START - timedelta(days=1, hours=i)}
                           for i in range(int(times))])


@given(parsers.parse("共性问题最多分析 {cap:d} 件诉求"))
def cap(rt, cap):
    rt.settings["common_problems"] = {**rt.settings["common_problems"], "max_texts": cap}


def _problems(api, world, user, **params):
    world.response = api.as_(user).get("/api/insight/common-problems", **params)


@when(step_re(rf'{ROLE}{q("user")} 查看近 (?P<days>\d+) 天的共性问题'))
def view_problems(api, world, user, days):
    end = START.date()
    _problems(api, world, user, start=(end - timedelta(days=int(days) - 1)).isoformat())


@when(step_re(rf'{ROLE}{q("user")} 查看 {q("start")} 至 {q("end")} 的共性问题'))
def view_problems_between(api, world, user, start, end):
    _problems(api, world, user, start=start, end=end)


@when(step_re(rf'{ROLE}{q("user")} 将近 (?P<days>\d+) 天镇街 {q("town")} 的共性问题导出为 {q("fmt")}'))
def export_problems(api, world, user, days, town, fmt):
    start = (START.date() - timedelta(days=int(days) - 1)).isoformat()
    raw = api.client.get("/api/insight/common-problems", headers=api.as_(user).headers,
                         query_string={"start": start, "town": town, "format": fmt})
    assert raw.status_code == 200, raw.get_data(as_text=True)
    world.export = list(load_workbook(io.BytesIO(raw.get_data())).active.iter_rows(values_only=True))


def _group(world, rank: str) -> dict:
    assert world.response.status == 200, world.response
    groups = world.response.json["groups"]
    assert len(groups) >= int(rank), groups
    return groups[int(rank) - 1]


@then(step_re(rf'第 (?P<rank>\d+) 个共性问题有 (?P<count>\d+) 件诉求{SEP}来自 (?P<ents>\d+) 家企业'))
def group_size(world, rank, count, ents):
    group = _group(world, rank)
    assert (group["count"], group["enterprise_count"]) == (int(count), int(ents)), group


@then(step_re(rf'第 (?P<rank>\d+) 个共性问题的镇街为 {q("towns")}'))
def group_towns(world, rank, towns):
    assert _group(world, rank)["towns"] == _names(towns)


@then(step_re(rf'第 (?P<rank>\d+) 个共性问题的企业包括 {q("ents")}'))
def group_enterprises(world, rank, ents):
    names = _group(world, rank)["enterprises"]
    for short in _names(ents):
        assert any(short in name for name in names), (short, names)


@then(step_re(rf'第 (?P<rank>\d+) 个共性问题的关键词包含 {q("word")}'))
def group_keyword(world, rank, word):
    assert word in "、".join(_group(world, rank)["keywords"]), _group(world, rank)["keywords"]


@then(parsers.parse("其余共性问题都少于 {count:d} 件诉求"))
def others_smaller(world, count):
    assert all(g["count"] < count for g in world.response.json["groups"][1:])


@then(step_re(rf'没有包含企业 {q("ent")} 的共性问题'))
def no_group_with(world, ent):
    assert world.response.status == 200, world.response
    for group in world.response.json["groups"]:
        assert not any(ent in name for name in group["enterprises"]), group


@then(step_re(rf'结果说明 {q("text")}'))
def note_says(world, text):
    assert text in world.response.json["note"], world.response.json["note"]


@then(step_re(rf'导出表的表头包含 {q("headers")}'))
def export_headers(world, headers):
    assert set(_names(headers)) <= set(world.export[0]), world.export[0]


@then(step_re(rf'导出表第 (?P<rank>\d+) 个共性问题的诉求件数为 (?P<count>\d+){SEP}镇街为 {q("town")}'))
def export_row(world, rank, count, town):
    row = dict(zip(world.export[0], world.export[int(rank)]))
    assert row["诉求件数"] == int(count) and row["镇街"] == town, row


# -- surges -------------------------------------------------------------------------------------

def _baseline(rt, app, **fields):
    """One case every 4 days over the 28 days before the last 3 days."""
    start = START - timedelta(days=31)
    insert_cases(rt, app, [{"enterprise": "榄兴五金", **fields,
                            "created_at": start + timedelta(days=4 * i, hours=1)} for i in range(7)])


@given(step_re(rf'{q("town")} 的 {q("domain")} 诉求此前 28 天平均每 4 天 1 件'))
def baseline_domain_town(rt, app, town, domain):
    _baseline(rt, app, town=town, domain=domain)


@given(step_re(rf'承办单位 {q("unit")} 的诉求此前 28 天平均每 4 天 1 件'))
def baseline_unit(rt, app, unit):
    _baseline(rt, app, unit=unit)


@given(step_re(rf'最近 3 天 {q("town")} 的 {q("domain")} 诉求共 (?P<count>\d+) 件{SEP}来自企业 {q("ents")}'))
def recent_domain_town(rt, app, town, domain, count, ents):
    names = _names(ents)
    rows = [{"enterprise": names[i % len(names)], "town": town, "domain": domain,
             "description": "行政服务中心预约不上，几周都约不到号",
             "created_at": START - timedelta(hours=2 + 7 * i)} for i in range(int(count))]
    insert_cases(rt, app, rows)


@given(step_re(rf'最近 3 天承办单位 {q("unit")} 的诉求共 (?P<count>\d+) 件'))
def recent_unit(rt, app, unit, count):
    insert_cases(rt, app, [{"enterprise": "凯明灯饰", "unit": unit,
                            "created_at": START - timedelta(hours=2 + 8 * i)} for i in range(int(count))])


@given(step_re(rf'每个镇街的 {q("domain")} 诉求过去 31 天每天 (?P<per_day>\d+) 件'))
def steady(rt, app, domain, per_day):
    rows = []
    for town in TOWNS:
        rows += spread(START - timedelta(days=31), 31, int(per_day), enterprise="恒达纺织",
                       town=town, domain=domain)
    insert_cases(rt, app, rows)


def _detect(app, world):
    result = app.test_cli_runner().invoke(args=["qisu", "insight", "surges"])
    assert result.exit_code == 0, result.output
    world.cli = result.output


@given("系统已运行激增监测")
@when("系统运行激增监测")
@when("系统再次运行激增监测")
def detect(app, world):
    _detect(app, world)


def _alerts(api, status="all") -> list[dict]:
    response = api.as_("supervisor1").get("/api/insight/surges", status=status)
    assert response.status == 200, response
    return response.json


@then(parsers.parse("产生 {count:d} 条激增预警"))
def alert_count(api, count):
    assert len(_alerts(api)) == count, _alerts(api)


@then("没有待确认的激增预警")
def no_open_alerts(api):
    assert _alerts(api, "open") == []


@then(step_re(rf'预警 {q("label")} 的实际件数为 (?P<observed>\d+){SEP}尾概率小于 (?P<p>[\d.]+)'))
def alert_is(api, label, observed, p):
    found = [a for a in _alerts(api) if a["label"] == label]
    assert len(found) == 1, _alerts(api)
    assert found[0]["observed"] == int(observed) and found[0]["p_value"] < float(p), found[0]


@then(step_re(rf'督办员 {q("user")} 收到 (?P<count>\d+) 条激增预警通知'))
def supervisor_notified(rt, user, count):
    with rt.uow() as uow:
        messages = uow.session.execute(select(OutboxMessage.body, OutboxMessage.channel).where(
            OutboxMessage.template == "surge", OutboxMessage.recipient == f"user:{user}")).all()
    assert len(messages) == int(count), messages
    assert all("激增" in body and channel == "internal" for body, channel in messages)


@when(step_re(rf'{ROLE}{q("user")} 确认该预警'))
def acknowledge(api, world, user):
    alert = _alerts(api)[0]
    world.response = api.as_(user).post(f"/api/insight/surges/{alert['id']}/acknowledge")


@then(step_re(rf'该预警已由 {q("name")} 确认'))
def acknowledged_by(api, name):
    alert = _alerts(api)[0]
    assert alert["acknowledged"] and alert["acknowledged_by"] == name, alert
