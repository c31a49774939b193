"""`flask qisu demo-cases` (make run): live cases in every state, made through the real use
cases, so every demo user finds work — checked here through the API each role uses."""
from __future__ import annotations

import re

import pytest

from tests.conftest import START


@pytest.fixture
def created(app):
    result = app.test_cli_runner().invoke(args=["qisu", "demo-cases", "--if-empty"])
    assert result.exit_code == 0, result.output
    match = re.search(r"created (\d+) demo cases \(([^)]*)\); (\d+) timers were due and fired", result.output)
    assert match, result.output
    return match.group(2).split(", ")


def test_every_role_finds_its_work(created, api, rt):
    assert len(created) == 11
    dispatch = [t for t in api.as_("dispatcher1").tasks(per_page=100) if t["name"] == "dispatch"]
    assert len(dispatch) == 4  # three with a domain, one for the classifier (none in tests)
    assert [t["name"] for t in api.as_("spec_zjj").tasks()] == ["sign"]
    supervisor = api.as_("supervisor1")
    overdue = supervisor.get("/api/supervision/overdue").json
    due_soon = supervisor.get("/api/supervision/due-soon").json
    dissatisfied = supervisor.get("/api/supervision/dissatisfied").json
    watch = supervisor.get("/api/supervision/watch").json
    assert [c["unit"] for c in overdue] == ["市住房和城乡建设局"]  # three hours unsigned
    assert [c["unit"] for c in due_soon] == ["市城市管理和综合执法局"]
    assert len(dissatisfied) == 1 and dissatisfied[0]["dissatisfied_rounds"] == 1
    assert {c["enterprise"] for c in watch} >= {"中山市好来化工有限公司"}  # red list, in progress
    mine = api.as_("ent2").get("/api/cases", per_page=100).json["items"]
    assert sorted(c["status"] for c in mine) == ["awaiting_rating", "signing", "supervising"]
    assert rt.clock.now() == START  # the clock set back for the earlier steps is restored


def test_the_history_looks_like_real_work(created, api):
    closed = next(n for n in created if api.as_("admin1").get(f"/api/cases/{n}").json["status"] == "closed")
    events = api.as_("admin1").get(f"/api/cases/{closed}/history").json["events"]
    actions = [e["action"] for e in events]
    assert actions[0] == "intake" and "dispatch_override" in actions
    done = [e["task"] for e in events if e["action"] == "complete_task"]
    assert done == ["派单", "签收", "联系企业", "提出解决方案", "办结答复", "评价"], done
    times = [e["at"] for e in events]
    assert times == sorted(times) and times[0] < times[-1]


def test_if_empty_creates_nothing_the_second_time(created, app, api):
    again = app.test_cli_runner().invoke(args=["qisu", "demo-cases", "--if-empty"])
    assert again.exit_code == 0 and "live cases exist already" in again.output
    assert api.as_("admin1").get("/api/cases", per_page=100).json["total"] == 11


def test_cases_the_classifier_dispatches_by_itself_still_play_through(app, api, tmp_path):
    """With an active model that dispatches nearly every demand it agrees on, the demo
    skips the dispatcher for those and goes on with the unit the routing table chose."""
    from tests.routing_data import write_csv
    cli = app.test_cli_runner()
    trained = cli.invoke(args=["qisu", "routing", "train", "--csv", str(write_csv(tmp_path / "o.csv")),
                               "--activate"])
    assert trained.exit_code == 0, trained.output
    version = re.search(r"model version (\d+)", trained.output).group(1)
    assert cli.invoke(args=["qisu", "routing", "activate", version, "--threshold", "0.01"]).exit_code == 0
    result = cli.invoke(args=["qisu", "demo-cases"])
    assert result.exit_code == 0, result.output
    numbers = re.search(r"\(([^)]*)\)", result.output).group(1).split(", ")
    admin = api.as_("admin1")
    auto = [n for n in numbers
            if any(e["action"] == "auto_dispatch" for e in admin.get(f"/api/cases/{n}/history").json["events"])]
    assert auto, "no demo case was dispatched by the classifier"
    dissatisfied = [n for n in numbers if admin.get(f"/api/cases/{n}").json["status"] == "supervising"]
    assert len(dissatisfied) == 1  # the 劳动和社会保障 complaint, auto-dispatched to rsj, still rated


def test_a_step_the_process_refuses_stops_that_case_only(app, rt, api, monkeypatch):
    from app.demo import cases as demo_cases
    good, broken = demo_cases.CASES[3], demo_cases.CASES[4]
    broken = demo_cases.DemoCase(broken.enterprise, broken.kind, broken.domain, broken.description,
                                 broken.minutes_ago, unit="nosuch")  # no such unit: dispatch refused
    monkeypatch.setattr(demo_cases.create_demo_cases, "__defaults__", ((good, broken),))
    result = app.test_cli_runner().invoke(args=["qisu", "demo-cases"])
    assert result.exit_code == 0, result.output
    assert "created 1 demo cases" in result.output
    assert "warning: a demo case stopped early: 新厂房工地临时用电报装两周仍未接" in result.output
    assert "承办单位 'nosuch' 不存在" in result.output
    statuses = sorted(c["status"] for c in api.as_("admin1").get("/api/cases", per_page=100).json["items"])
    assert statuses == ["dispatching", "signing"]  # the refused case waits for the dispatcher
