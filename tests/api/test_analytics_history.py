"""Process analytics over generated history (issue 21 §7: the demo's history makes every view
meaningful): history cases carry the user tasks they passed and their finished clocks."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app.db.models import HumanTask
from tests.api.test_insight_history import _drop_synthetic_enterprises, generate  # noqa: F401

ALL: dict = {}  # no period: all time


def test_history_feeds_every_view_and_stays_out_of_worklists(app, api, rt):
    generate(app, "--cases", "1500", "--days", "60", "--seed", "4")
    with rt.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(HumanTask)
                                  .where(HumanTask.status == "ready")) == 0
    analyst = api.as_("analyst1")
    elements = {e["element_id"]: e for e in analyst.get("/api/analytics/elements", **ALL).json["items"]}
    assert {"dispatch", "sign", "contact", "propose", "reply", "rate", "supervise", "review_return",
            "revisit", "approve_extension"} <= set(elements)
    assert elements["sign"]["passes"] > elements["sign"]["cases"] > 100
    assert elements["sign"]["breached"] > 0 and elements["reply"]["median_seconds"] > 3600
    variants = analyst.get("/api/analytics/variants", **ALL).json
    assert variants["variants"] >= 6 and variants["items"][0]["count"] > 100
    assert any("supervise" in v["path"] for v in variants["items"])
    conformance = analyst.get("/api/analytics/conformance", **ALL).json
    assert conformance["deviating"] == 0, conformance["items"][:2]
    flows = analyst.get("/api/analytics/flows", **ALL).json["items"]
    assert len(flows) > 40
    sla = Path("workflows/sla.dmn").read_text(encoding="utf-8")
    what_if = api.as_("designer1").post("/api/analytics/what-if", json={"sla_dmn": sla}).json
    assert what_if["clocks"] > 1000 and what_if["totals"]["draft"] == what_if["totals"]["today"]
    today = what_if["totals"]["today"]
    assert today["response"]["breached"] > 0 and today["resolution"]["met"] > 0
