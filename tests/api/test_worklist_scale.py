"""The task list at city scale (issue 20 §3), through GET /api/tasks: red-listed first, pages read
along an index (`page` and the `next`/`after` cursor agree and visit every task once), a count
that stops at the cap, and plans that read no more rows than a page and the cap, however many
tasks are open."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, insert, select

from app.db.models import Case, Deployment, Enterprise, HumanTask, Unit, User
from app.services import auth, tasks, worklist

START = datetime(2026, 11, 1, 8, 0)


def add_open_tasks(rt, count: int, unit_code: str = "cgj", first: int = 0) -> None:
    """`count` cases, each with one ready 签收 task at the unit; every 7th red-listed, every 5th
    without a deadline, some created at the same moment (ties broken by id)."""
    with rt.uow() as uow:
        s = uow.session
        unit = s.scalar(select(Unit.id).where(Unit.code == unit_code))
        enterprise = s.scalar(select(Enterprise.id).order_by(Enterprise.id).limit(1))
        deployment = s.scalar(select(Deployment.id).order_by(Deployment.id).limit(1))
        cases, rows = [], []
        for i in range(first, first + count):
            at = START + timedelta(minutes=i // 3)
            cases.append({"id": 500_000 + i, "number": f"WT{i:08d}", "status": "handling",
                          "channel": "phone", "kind": "投诉", "domain": "城市管理",
                          "description": "绿化带影响车辆进出", "enterprise_id": enterprise,
                          "unit_id": unit, "red_list": i % 7 == 0, "deployment_id": deployment,
                          "created_at": at, "updated_at": at})
            rows.append({"id": str(uuid.UUID(int=i + 1)), "case_id": 500_000 + i, "spec_name": "sign",
                         "title": "签收", "role": "unit", "unit_id": unit, "form": "sign.schema.json",
                         "status": "ready", "red_list": i % 7 == 0, "created_at": at,
                         "deadline_clock": None if i % 5 == 0 else "response",
                         "due_at": None if i % 5 == 0 else at + timedelta(hours=(i * 37) % 50)})
        s.execute(insert(Case), cases)
        s.execute(insert(HumanTask), rows)
        uow.commit()


def expected_order(rt, sort: str) -> list[str]:
    with rt.uow() as uow:
        rows = uow.session.execute(select(HumanTask.id, HumanTask.red_list, HumanTask.created_at,
                                          HumanTask.due_at).where(HumanTask.status == "ready")).all()
    if sort == "due_at":
        key = lambda r: (not r.red_list, r.due_at is None, r.due_at or START, r.id)  # noqa: E731
        return [r.id for r in sorted(rows, key=key)]
    if sort == "-created_at":
        return [r.id for r in sorted(rows, key=lambda r: (r.red_list, r.created_at, r.id), reverse=True)]
    return [r.id for r in sorted(rows, key=lambda r: (not r.red_list, r.created_at, r.id))]


@pytest.mark.parametrize("sort", ["created_at", "-created_at", "due_at"])
def test_pages_and_cursor_visit_every_task_once_red_first(api, rt, sort):
    add_open_tasks(rt, 95)
    unit = api.as_("spec_cgj")
    by_cursor, after = [], None
    while True:
        params = {"sort": sort, "per_page": 20, **({"after": after} if after else {})}
        answer = unit.get("/api/tasks", **params)
        assert answer.status == 200, answer
        by_cursor += [t["id"] for t in answer.json["items"]]
        after = answer.json["next"]
        if after is None:
            break
    by_page = [t["id"] for page in range(1, 6)
               for t in unit.get("/api/tasks", sort=sort, per_page=20, page=page).json["items"]]
    assert by_cursor == by_page == expected_order(rt, sort)
    first = unit.get("/api/tasks", sort=sort).json
    assert first["total"] == 95 and first["total_capped"] is False
    assert all(t["red_list"] for t in first["items"][:14]) and not first["items"][14]["red_list"]


def test_the_count_stops_at_the_cap_and_says_so(api, rt):
    add_open_tasks(rt, worklist.COUNT_CAP + 5)
    answer = api.as_("spec_cgj").get("/api/tasks", per_page=5).json
    assert (answer["total"], answer["total_capped"]) == (worklist.COUNT_CAP, True)
    assert len(answer["items"]) == 5 and answer["next"]
    other = api.as_("spec_rsj").get("/api/tasks").json  # another unit's queue is its own
    assert (other["total"], other["total_capped"], other["items"]) == (0, False, [])


def test_a_bad_cursor_is_a_validation_error(api):
    answer = api.as_("spec_cgj").get("/api/tasks", after="bm90LWEtY3Vyc29y")
    assert answer.status == 422 and "after" in answer.json["error"]["fields"], answer


ROWS = re.compile(r"rows=(\d+) loops=(\d+)")
REMOVED = re.compile(r"Rows Removed by (?:Filter|Index Recheck): (\d+)")


def plans_of_one_list_call(rt, username: str) -> list[list[str]]:
    engine = rt.session_factory.kw["bind"]
    captured = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        captured.append((statement, parameters))

    with rt.uow() as uow:
        user_id = uow.session.scalar(select(User.id).where(User.username == username))
    actor = auth.actor_by_id(rt, user_id)
    postgres = engine.dialect.name == "postgresql"
    if postgres:  # the statistics autovacuum keeps in production
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE human_tasks")
            conn.exec_driver_sql("ANALYZE cases")
    event.listen(engine, "before_cursor_execute", capture)
    try:
        tasks.list_tasks(rt, actor, per_page=20)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    prefix = "EXPLAIN (ANALYZE, COSTS OFF) " if postgres else "EXPLAIN QUERY PLAN "
    with engine.connect() as conn:
        return [[str(row[0] if postgres else row[-1]) for row in conn.exec_driver_sql(prefix + sql, params)]
                for sql, params in captured if sql.lstrip().upper().startswith("SELECT")]


@pytest.mark.parametrize("username", ["spec_cgj", "dispatcher1"])
def test_no_plan_reads_the_whole_queue(api, rt, username):
    """3,000 open tasks at one unit (plus finished work): each statement of a list call reads
    along a worklist index, never the whole queue (SQLite: no full scan of human_tasks;
    PostgreSQL: no plan node reads or discards more than a page and the count's cap)."""
    add_open_tasks(rt, 3000)
    add_open_tasks(rt, 500, unit_code="rsj", first=3000)
    plans = plans_of_one_list_call(rt, username)
    assert plans
    text = "\n".join("\n".join(p) for p in plans)
    if rt.session_factory.kw["bind"].dialect.name == "postgresql":
        read = [int(m[1]) * int(m[2]) for m in ROWS.finditer(text)] + \
               [int(m[1]) for m in REMOVED.finditer(text)]
        assert max(read) <= worklist.COUNT_CAP + 1, text
    else:
        assert not re.search(r"\bSCAN human_tasks\b(?! USING)", text), text
        assert "ix_human_tasks_ready_" in text, text
