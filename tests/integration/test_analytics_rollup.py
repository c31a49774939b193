"""The process analytics rollup (migration 0080) answers as the direct computation over the trail:
every count equal, every percentile in the same histogram bucket as the exact value — over
generated history and cases played through the engine, after incremental refreshes and after a
rebuild, on SQLite and PostgreSQL (the suite's database)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db.analytics_sql import ELEMENT_MEASURES, VARIANT_MEASURES, bucket_of
from app.db.models_analytics import analytics_dirty, analytics_elements, analytics_variants
from app.services.analytics import conformance, elements, rollup, variants
from app.services.analytics.model import Scope
from app.services.insight.filters import Filters
from tests.analytics_support import play
from tests.api.test_insight_history import _drop_synthetic_enterprises, generate  # noqa: F401

PERCENTILES = ("median_seconds", "p90_seconds")


@pytest.fixture
def modes(rt):
    saved = dict(rt.settings)
    rt.settings["insight_cache"] = False

    def use(mode: str) -> None:
        rt.settings["analytics_rollup"] = mode == "rollup"
        rt.settings["analytics_exact_max"] = 0  # the rollup's figures even for a small selection
    yield use
    rt.settings.clear()
    rt.settings.update(saved)


def _scopes(rt, deployment_id):
    today = (rt.clock.now() + timedelta(hours=8)).date()
    last30 = dict(date_from=today - timedelta(days=29), date_to=today)
    return [Scope(Filters()), Scope(Filters(**last30)), Scope(Filters(unit="cgj", **last30)),
            Scope(Filters(red_list=True)), Scope(Filters(kind="投诉", channel="phone")),
            Scope(Filters(date_from=today - timedelta(days=40), date_to=today - timedelta(days=3))),
            Scope(Filters(), deployment=deployment_id)]


def _answers(rt, scope) -> dict:
    found = variants.variants(rt, scope, limit=1000)
    return {"elements": elements.elements(rt, scope), "flows": elements.flows(rt, scope),
            "variants": found, "conformance": conformance.conformance(rt, scope),
            "cases": [variants.variant_cases(rt, scope, v["id"], limit=50)
                      for v in found["items"][:4]]}


def _same(direct: dict, rolled: dict) -> None:
    assert direct["flows"] == rolled["flows"]
    assert direct["conformance"] == rolled["conformance"]
    assert direct["cases"] == rolled["cases"]
    d_items, r_items = direct["elements"]["items"], rolled["elements"]["items"]
    assert [e["element_id"] for e in d_items] == [e["element_id"] for e in r_items]
    for d, r in zip(d_items, r_items):
        for key in PERCENTILES:
            assert (d[key] is None) == (r[key] is None), (d, r)
            if d[key] is not None:
                assert bucket_of(d[key]) == bucket_of(r[key]), (key, d, r)
        assert {k: v for k, v in d.items() if k not in PERCENTILES} == \
            {k: v for k, v in r.items() if k not in PERCENTILES}
    d_var, r_var = direct["variants"], rolled["variants"]
    assert (d_var["cases"], d_var["variants"]) == (r_var["cases"], r_var["variants"])
    for d, r in zip(d_var["items"], r_var["items"]):
        lead = "median_lead_seconds"
        assert {k: v for k, v in d.items() if k != lead} == {k: v for k, v in r.items() if k != lead}
        assert (d[lead] is None) == (r[lead] is None)
        if d[lead] is not None:
            assert bucket_of(d[lead]) == bucket_of(r[lead])


def _compare(rt, use) -> int:
    compared = 0
    for scope in _scopes(rt, rt_base(rt)):
        use("direct")
        direct = _answers(rt, scope)
        use("rollup")
        rolled = _answers(rt, scope)
        assert rolled["elements"]["percentiles"] == "estimated" or not rolled["elements"]["items"]
        _same(direct, rolled)
        compared += sum(e["passes"] for e in direct["elements"]["items"])
    return compared


def rt_base(rt) -> int:
    from app.services.deployments import latest
    with rt.uow() as uow:
        return latest(uow.session).id


def _sums(rt) -> tuple[list, list]:
    """The rollups summed per key without zero rows (a rebuild leaves none)."""
    out = []
    with rt.uow() as uow:
        for table, measures, key in ((analytics_elements, ELEMENT_MEASURES, ("source", "element")),
                                     (analytics_variants, VARIANT_MEASURES, ("path",))):
            c = table.c
            columns = [c.grain, c.period, c.unit_id, c.town, c.kind, c.domain, c.channel,
                       c.red_list, c.deployment_id, *(getattr(c, k) for k in key)]
            rows = uow.session.execute(select(*columns, *(func.sum(getattr(c, m)) for m in measures))
                                       .group_by(*columns)).all()
            out.append(sorted(tuple(map(str, r)) for r in rows if any(r[len(columns):])))
    return out[0], out[1]


def test_rollup_answers_equal_the_trail_incrementally_and_after_a_rebuild(app, api, rt, modes):
    generate(app, "--cases", "600", "--days", "60", "--seed", "5")
    with rt.uow() as uow:  # generate-history folds its cases in itself
        assert uow.session.scalar(select(func.count()).select_from(analytics_dirty)) == 0
        assert uow.session.scalar(select(func.sum(analytics_variants.c.cases))
                                  .where(analytics_variants.c.grain == "m")) == 600
    play(api, rt)  # live cases: an open task, a second round, a breached step
    assert _compare(rt, modes) > 1000
    with rt.uow() as uow:  # every write was folded in by the reads
        assert uow.session.scalar(select(func.count()).select_from(analytics_dirty)) == 0

    # More writes after the first refresh: another played history, then a deleted case.
    rt.clock.advance(days=1)
    play(api, rt)
    from app.db.models import Case, HumanTask
    with rt.uow() as uow:
        gone = uow.session.scalar(select(Case.id).where(Case.number.like("LS%")).limit(1))
        uow.session.query(HumanTask).filter(HumanTask.case_id == gone).delete()
        from app.db.models import AuditEvent, SlaClock
        uow.session.query(SlaClock).filter(SlaClock.case_id == gone).delete()
        uow.session.query(AuditEvent).filter(AuditEvent.case_id == gone).delete()
        uow.session.query(Case).filter(Case.id == gone).delete()
        uow.commit()
    _compare(rt, modes)
    incremental = _sums(rt)
    rollup.rebuild(rt)
    assert _sums(rt) == incremental


def test_percentile_estimate_is_in_the_exact_values_bucket():
    values = sorted([5, 59, 60, 61, 600, 601, 3599, 3600, 86_400, 10 ** 9])
    histogram = [0] * 72
    for v in values:
        histogram[bucket_of(v)] += 1
    from app.services.analytics.stats import nearest_rank
    for share in (0.1, 0.5, 0.9, 1.0):
        exact = nearest_rank(values, share)
        estimate = rollup.estimate(histogram, share)
        assert bucket_of(estimate) == bucket_of(exact)
        if exact < 10 ** 7:
            assert abs(estimate - exact) < max(60, 0.19 * exact)
    assert rollup.estimate([0] * 72, 0.5) is None


def test_what_if_in_the_database_equals_the_python_replay(app, api, rt, modes):
    """PostgreSQL replays most clocks in one aggregate; it must tally as the Python replay, for
    an unchanged table and for a draft that changes natural minutes, working days and the
    warning ratio. (SQLite always replays in Python: the same code runs twice.)"""
    from pathlib import Path

    from app.services.analytics import what_if
    generate(app, "--cases", "600", "--days", "60", "--seed", "6")
    play(api, rt)
    from app.db.models import SlaClock
    with rt.uow() as uow:  # a few extended clocks: replayed in Python beside the aggregate
        for clock in uow.session.scalars(select(SlaClock).where(SlaClock.outcome == "violated")
                                         .order_by(SlaClock.id).limit(5)):
            clock.extensions, clock.due_at = 1, clock.due_at + timedelta(days=2)
        uow.commit()
    sla = Path("workflows/sla.dmn").read_text(encoding="utf-8")
    drafts = [sla, sla.replace("<text>7200</text>", "<text>2880</text>")
                      .replace("<text>720</text>", "<text>600</text>")
                      .replace("<text>0.75</text>", "<text>0.5</text>")]
    assert drafts[1] != sla
    for draft in drafts:
        for scope in _scopes(rt, rt_base(rt)):
            rt.settings["what_if_in_database"] = True
            fast = what_if.what_if(rt, scope, draft)
            rt.settings["what_if_in_database"] = False
            assert fast == what_if.what_if(rt, scope, draft)
    assert fast["clocks"] > 500 and fast["totals"]["draft"] != fast["totals"]["today"]


def test_rebuild_command(app, api, rt):
    play(api, rt)
    result = app.test_cli_runner().invoke(args=["qisu", "insight", "rebuild-analytics"])
    assert result.exit_code == 0 and "analytics rollup rebuilt" in result.output
    with rt.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(analytics_elements)) > 0


def test_pages_and_api_say_when_percentiles_are_estimated(app, api, rt, modes):
    from tests.support import logged_in
    play(api, rt)
    client = logged_in(app, "designer1")
    everything = {"from": "", "to": ""}
    for mode, note in (("rollup", True), ("direct", False)):
        modes(mode)
        html = client.get("/analytics", query_string=everything).get_data(as_text=True)
        assert ('data-percentiles="estimated"' in html) is note
        html = client.get("/analytics/variants", query_string=everything).get_data(as_text=True)
        assert ('data-percentiles="estimated"' in html) is note
        body = api.as_("analyst1").get("/api/analytics/elements").json
        assert body["percentiles"] == ("estimated" if note else "exact")


def test_migration_0080_sql_is_frozen():
    """Migration 0080 runs a frozen copy of the rollup SQL; when app/db/analytics_sql.py
    generates other SQL, the existing databases need a new migration (then update the copy
    only through that migration's own frozen module)."""
    from app.db import analytics_sql, analytics_sql_0080
    for postgres in (True, False):
        for name in ("rebuild_statements", "refresh_statements", "dirty_triggers", "drop_triggers"):
            assert getattr(analytics_sql, name)(postgres) == getattr(analytics_sql_0080, name)(postgres), name
    assert analytics_sql.BOUNDS == analytics_sql_0080.BOUNDS


def test_the_worker_folds_written_cases_in(app, api, rt):
    from app.worker import fold_if_due
    play(api, rt)
    with rt.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(analytics_dirty)) > 0
    assert fold_if_due(rt, last=0.0) > 0.0
    with rt.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(analytics_dirty)) == 0
    import time
    recent = time.monotonic()
    assert fold_if_due(rt, last=recent) == recent  # not due yet
