"""P18 rollup: every insight query answers the same from `insight_rollup` (kept by triggers) as
straight from `cases` (setting `insight_rollup` False, the reference), after a generated history
and live commands (intake, direct reply, dispatch, return, handling, rating); a rebuild from the
cases gives the same rows as the triggers. Runs on SQLite and on PostgreSQL (DATABASE_URL)."""
from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from app.db.models import (AuditEvent, Case, Enterprise, HumanTask, SlaClock, insight_returns,
                           insight_rollup)
from app.demo.data import ENTERPRISES
from app.services.insight import breakdowns, hotspots, metrics
from app.services.insight.filters import Filters
from app.demo.history import SYNTHETIC_PREFIX, generate
from app.services.insight.rollup import rebuild
from tests.conftest import CASE_TABLES
from tests.insight_support import check_agreement


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
    assert api.as_("ent2").post(f"/api/cases/{returned}/rating", json={
        "rating": "不满意", "rating_comment": "问题没有解决"}).status == 200
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


def test_tiles_agree_with_the_ranking_over_generated_history(app, api, rt):
    """Issue 16: under every filter set, from the rollup and from the cases, the tiles are the
    sums of the ranking rows (a unit filter: that unit's row), the trend and towns add up."""
    generate(rt, 1500, days=120, seed=3, workflows_dir=app.config["QISU_WORKFLOWS_DIR"])
    live_commands(api, rt)
    today = (rt.clock.now() + timedelta(hours=8)).date()
    try:
        for on in (False, True):
            rt.settings["insight_rollup"] = on
            for filters in filter_sets(today):
                data = {"metrics": metrics.metrics.uncached(rt, filters),
                        "units": {"items": breakdowns.units.uncached(rt, filters)},
                        "trend": breakdowns.trend.uncached(rt, filters, "week"),
                        "towns": breakdowns.towns.uncached(rt, filters)}
                check_agreement((on, filters), data, filters.unit)
    finally:
        rt.settings["insight_rollup"] = True


def test_deleting_cases_empties_the_rollup(app, rt):
    generate(rt, 200, days=30, seed=5, workflows_dir=app.config["QISU_WORKFLOWS_DIR"])
    assert rollup_rows(rt)
    with rt.uow() as uow:
        uow.session.execute(delete(AuditEvent))
        uow.session.execute(delete(HumanTask))  # generated history has its trail (issue 21)
        uow.session.execute(delete(SlaClock))
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


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
                    reason="row versions and table locks of PostgreSQL; SQLite has one writer anyway")
def test_dashboard_reads_go_on_during_a_rebuild(app, rt, monkeypatch):
    """While `rebuild` runs (held here just before its commit by an advisory lock), another
    connection reads the old rollup rows at once instead of waiting for the rebuild."""
    import threading

    from sqlalchemy import text

    from app.services.insight import rollup as rollup_module

    generate(rt, 150, days=20, seed=11, workflows_dir=app.config["QISU_WORKFLOWS_DIR"])
    before = rollup_rows(rt)
    statements = rollup_module.rebuild_statements
    monkeypatch.setattr(rollup_module, "rebuild_statements",
                        lambda postgres: [*statements(postgres), "SELECT pg_advisory_xact_lock(424242)"])
    engine = rt.session_factory.kw["bind"]
    with engine.connect() as gate, engine.connect() as reader:
        rows_before = reader.scalar(text("SELECT count(*) FROM insight_rollup"))
        reader.rollback()
        gate.execute(text("SELECT pg_advisory_lock(424242)"))
        errors: list[BaseException] = []
        worker = threading.Thread(target=_capture, args=(errors, rollup_module.rebuild, rt))
        worker.start()
        try:
            waiting = False
            for _ in range(400):  # until the rebuild has run its statements and waits at the gate
                waiting = bool(reader.scalar(text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")))
                reader.rollback()
                if waiting or not worker.is_alive():
                    break
                worker.join(0.05)
            assert waiting, f"the rebuild never reached the gate: {errors}"
            reader.execute(text("SET lock_timeout = '1s'"))
            assert reader.scalar(text("SELECT count(*) FROM insight_rollup")) == rows_before  # no wait
            reader.rollback()
        finally:
            gate.execute(text("SELECT pg_advisory_unlock_all()"))
            gate.commit()
            worker.join(60)
    assert not worker.is_alive() and errors == []
    assert rollup_rows(rt) == before


def _capture(errors: list, function, *args) -> None:
    try:
        function(*args)
    except BaseException as error:  # noqa: BLE001 — reported by the test thread
        errors.append(error)
