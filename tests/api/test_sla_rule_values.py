"""Issue 18 §4: the deadline rule's values come from sla.dmn only. A table without one of them
does not fall back on a number of the code: the step that needs it fails, naming the value."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app.db.models import Case, SlaClock

SLA = (Path(__file__).resolve().parents[2] / "workflows" / "sla.dmn").read_text(encoding="utf-8")


def without_output(name: str) -> str:
    text = re.sub(rf'\s*<output id="output_{name}"[^>]*/>', "", SLA)
    text, removed = re.subn(rf'\s*<outputEntry id="rule_\d+_{name}">.*?</outputEntry>', "", text, flags=re.S)
    assert removed == SLA.count("<rule ")
    return text


def test_a_table_without_the_warning_ratio_stops_the_dispatch_instead_of_assuming_one(api):
    deployed = api.as_("designer1").post("/api/deployments", json={
        "filename": "sla.dmn", "content": without_output("warn_ratio")})
    assert deployed.status == 201, deployed.json
    number = api.submit()["number"]
    response = api.dispatch(number, "cgj")
    assert response.status == 422 and response.json["error"]["code"] == "process_error"
    assert "sla.dmn 未给出 warn_ratio" in response.json["error"]["message"]


def test_the_warning_follows_the_tables_ratio(api, rt):
    """A ratio of 0.5 warns at half of each time limit (60 natural minutes → 30)."""
    half = SLA.replace("<text>0.75</text>", "<text>0.5</text>")
    assert api.as_("designer1").post("/api/deployments", json={"filename": "sla.dmn", "content": half}).status == 201
    number = api.submit()["number"]
    assert api.dispatch(number, "cgj").status == 200
    with rt.uow() as uow:
        case_id = uow.session.scalar(select(Case.id).where(Case.number == number))
        [response] = uow.session.scalars(select(SlaClock).where(
            SlaClock.case_id == case_id, SlaClock.clock == "response")).all()
        assert response.due_at - response.started_at == timedelta(minutes=60)
        assert response.warn_at - response.started_at == timedelta(minutes=30)
