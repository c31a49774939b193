"""P18 rollup: every insight query answers the same from `insight_rollup` (kept by triggers) as
straight from `cases` (setting `insight_rollup` False, the reference), after a generated history
and live commands (intake, direct reply, dispatch, return, handling, rating); a rebuild from the
cases gives the same rows as the triggers. Runs on SQLite and on PostgreSQL (DATABASE_URL)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from app.db.models import AuditEvent, Case, Enterprise, insight_returns, insight_rollup
from app.demo_data import ENTERPRISES
from app.services.insight import breakdowns, hotspots, metrics
from app.services.insight.filters import Filters
from app.services.insight.history import SYNTHETIC_PREFIX, generate
from app.services.insight.rollup import rebuild
from tests.conftest import CASE_TABLES


@pytest.fixture(autouse=True)
def _cleanup(rt):
    yield
    with rt.uow() as uow:
        for model in CASE_TABLES:
            uow.session.execute(delete(model))
        uow.session.execute(delete(insight_rollup))
        uow.session.execute(delete(insight_returns))
        uow.session.execute(delete(Enterprise).where(
            Enterprise.credit_code.like(f"{SYNTHETIC_PREFIX}%")))
        uow.session.commit()


def live_commands(api, rt) -> None:
    """Cases through the service: a direct reply, a returned and re-dispatched complaint that is
    handled and rated, an open red-list case, and a rated case."""
    api.as_("agent1").post("/api/cases", json={
        "kind": "咨询", "description": "咨询社保缴费基数", "domain": "劳动和社会保障",
        "credit_code": ENTERPRISES[1]["credit_code"], "direct_reply": "按知识库答复"})
    returned = api.submit(1)["number"]
    assert api.dispatch(returned, "cgj").status == 200
    spec = api.as_("spec_cgj")
    assert spec.complete(returned, "sign", {"sign_action": "退单",
                                            "return_reason": "不属于本单位职责"}).status == 200
    assert api.as_("dispatcher1").complete(returned, "review_return", {
        "return_decision": "同意退单", "unit_code": "scjgj"}).status == 200
    api.unit_handles(returned, "spec_scjgj")
    assert api.rate(returned, "不满意").status == 200
    red = api.submit(0, domain="市场监管")["number"]
    assert api.dispatch(red, "scjgj").status == 200
    rated = api.submit(1)["number"]
    assert api.dispatch(rated).status == 200
    rt.clock.advance(hours=3)
    api.unit_handles(rated)
    assert api.rate(rated, "满意").status == 200


def reclassify_returned_case(rt) -> None:
    with rt.uow() as uow:
        case = uow.session.scalars(select(Case).where(Case.returns_count > 0,
                                                      Case.number.like("QS%"))).one()
        case.town, case.domain, case.red_list = "古镇镇", "市场监管", True
        case.created_at -= timedelta(days=40)
        uow.session.commit()


def filter_sets(today: date) -> list[Filters]:
    last30 = dict(date_from=today - timedelta(days=29), date_to=today)
    return [
        Filters(), Filters(**last30), Filters(date_from=today - timedelta(days=59)),
        Filters(date_to=today - timedelta(days=40)),
        Filters(date_from=date(today.year, today.month, 1) - timedelta(days=45), date_to=today),
        Filters(date_from=today - timedelta(days=3), date_to=today - timedelta(days=1)),
        Filters(town="小榄镇", kind="投诉"), Filters(unit="cgj", **last30),
        Filters(unit="scjgj"), Filters(unit="nope"), Filters(channel="phone"),
        Filters(red_list=True, domain="市场监管"), Filters(red_list=False, **last30),
        Filters(kind="咨询", date_from=today - timedelta(days=90), date_to=today - timedelta(days=20)),
    ]


def answers(rt, today: date, on: bool) -> list:
    rt.settings["insight_rollup"] = on
    out = []
    for filters in filter_sets(today):
        out.append(metrics.metrics.uncached(rt, filters))
        for granularity in ("day", "week", "month"):
            out.append(breakdowns.trend.uncached(rt, filters, granularity))
        out.append(breakdowns.units.uncached(rt, filters))
        out.append(hotspots.hotspots.uncached(rt, filters))
        out.append(breakdowns.towns.uncached(rt, filters))
    return out


def rollup_rows(rt) -> list:
    with rt.uow() as uow:
        rows = uow.session.execute(select(insight_rollup)).all()
        returns = uow.session.execute(select(insight_returns)).all()
    return (sorted(tuple(r) for r in rows if r.volume)
            + sorted(tuple(r) for r in returns if r.returned))


def test_rollup_answers_equal_the_reference(app, api, rt):
    generate(rt, 1500, days=120, seed=3, workflows_dir=app.config["QISU_WORKFLOWS_DIR"])
    live_commands(api, rt)
    today = (rt.clock.now() + timedelta(hours=8)).date()
    try:
        reference = answers(rt, today, on=False)
        assert answers(rt, today, on=True) == reference
        assert reference[0]["volume"] == 1504 and reference[0]["returns"] > 0
        reclassify_returned_case(rt)  # the dimensions of a case with a return change
        reference = answers(rt, today, on=False)
        assert answers(rt, today, on=True) == reference
        by_triggers = rollup_rows(rt)
        rebuild(rt)
        assert rollup_rows(rt) == by_triggers
        assert answers(rt, today, on=True) == reference
    finally:
        rt.settings["insight_rollup"] = True


def test_deleting_cases_empties_the_rollup(app, rt):
    generate(rt, 200, days=30, seed=5, workflows_dir=app.config["QISU_WORKFLOWS_DIR"])
    assert rollup_rows(rt)
    with rt.uow() as uow:
        uow.session.execute(delete(AuditEvent))
        uow.session.execute(delete(Case))
        uow.session.commit()
    assert rollup_rows(rt) == []


def test_rebuild_command(app, rt):
    generate(rt, 100, days=20, seed=9, workflows_dir=app.config["QISU_WORKFLOWS_DIR"])
    before = rollup_rows(rt)
    result = app.test_cli_runner().invoke(args=["qisu", "insight", "rebuild-rollup"])
    assert result.exit_code == 0, result.output
    assert "insight rollup rebuilt" in result.output
    assert rollup_rows(rt) == before
