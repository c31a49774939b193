"""P18 synthetic history (`flask qisu generate-history`) and the dashboard page over it."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from app.db.models import Case, Enterprise, WorkflowState
from app.demo.history import SYNTHETIC_PREFIX
from tests.conftest import CASE_TABLES
from tests.support import logged_in


@pytest.fixture(autouse=True)
def _drop_synthetic_enterprises(rt):
    """Generated enterprises outlive the per-test cleanup of cases: remove them too (after the
    cases and everything that refers to them, workflow cases of a test included)."""
    yield
    with rt.uow() as uow:
        for model in CASE_TABLES:
            uow.session.execute(delete(model))
        uow.session.execute(delete(Enterprise).where(
            Enterprise.credit_code.like(f"{SYNTHETIC_PREFIX}%")))
        uow.session.commit()


def generate(app, *args):
    result = app.test_cli_runner().invoke(args=["qisu", "generate-history", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_generated_history_feeds_the_figures_and_stays_out_of_the_workflow(app, api, rt):
    output = generate(app, "--cases", "400", "--days", "30", "--seed", "7")
    assert "generated 400 cases" in output
    assert "history exists already" in generate(app, "--cases", "400", "--if-empty")
    with rt.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Case)) == 400
        assert uow.session.scalar(select(func.count()).select_from(WorkflowState)) == 0
    leader = api.as_("leader1")
    body = leader.get("/api/insight/metrics").json
    assert body["volume"] == 400 and 0 < body["dispatched"] < 400
    assert body["rated"] > 0 and 0.8 < body["satisfaction_rate"] <= 1
    assert body["p90_handling_seconds"] >= body["avg_handling_seconds"] > 0
    assert body["red_list"]["volume"] > 0
    hot = leader.get("/api/insight/hotspots", **{"from": "2026-11-20", "to": "2026-11-23"}).json
    assert hot["kinds"]["投诉"][0]["domain"] == "市场监管"  # the 小榄镇 appointment surge
    # history is visible as such, and supervision and task lists ignore it
    number = leader.get("/api/cases", per_page=1).json["items"][0]["number"]
    case = leader.get(f"/api/cases/{number}").json
    assert case["history"] is True and case["open_tasks"] == []
    assert leader.get("/api/supervision/watch").json == []
    assert leader.get("/api/supervision/overdue").json == []
    client = logged_in(app, "leader1")
    assert "历史数据" in client.get(f"/cases/{number}").get_data(as_text=True)


def test_dashboard_page_renders_every_section(app, api):
    generate(app, "--cases", "300", "--days", "60")
    client = logged_in(app, "analyst1")
    html = client.get("/insight").get_data(as_text=True)
    for text in ("核心指标", "趋势", "热点领域", "承办单位排名", "镇街 × 领域", "共性问题",
                 'id="chart-trend"', "echarts/dist/echarts.min.js",
                 "/insight/fragments/common-problems?", "暂无共性问题数据。"):
        assert text in html, text
    for table in ("metrics", "trend", "units", "hotspots", "towns"):
        assert f"/api/insight/{table}?" in html and "format=xlsx" in html
    english = client.get("/insight", headers={"Cookie": "lang=en"})
    bad = client.get("/insight?from=2026-02-30").get_data(as_text=True)
    assert "日期格式应为 YYYY-MM-DD" in bad
    assert english.status_code == 200
    agent = logged_in(app, "agent1")
    assert agent.get("/insight").status_code == 403
    assert "决策分析" not in agent.get("/tasks").get_data(as_text=True)
    assert "决策分析" in client.get("/tasks").get_data(as_text=True)
