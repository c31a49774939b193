"""The supervision page (督办, P8/P12): every row offers what its reader can do — the supervisor's
own open task (办理), else the case (诉求详情) — and a list costs the same number of queries
whatever its length (no query per row)."""
from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event

from app.services import supervision
from app.worker import run_once
from tests.support import logged_in


def _overdue_pair(api, rt) -> tuple[str, str]:
    """Two cases unsigned past the response deadline: an ordinary enterprise's (flagged overdue,
    no supervisor task) and a red-list enterprise's (超期督办, a supervisor task)."""
    plain = api.submit(enterprise=4)["number"]
    red = api.submit(enterprise=0)["number"]
    for number in (plain, red):
        assert api.dispatch(number, "cgj").status == 200
    rt.clock.advance(minutes=61)
    run_once(rt)
    return plain, red


def _row(html: str, number: str) -> str:
    return next(row for row in re.findall(r"<tr>.*?</tr>", html, flags=re.S) if f">{number}</a>" in row)


def test_every_overdue_row_offers_an_action(api, app, rt):
    plain, red = _overdue_pair(api, rt)
    overdue = {r["number"]: r for r in api.as_("supervisor1").get("/api/supervision/overdue").json}
    assert overdue[plain]["supervisor_task"] is None
    task = api.as_("supervisor1").task_for(red, "supervise_overdue_response")
    assert overdue[red]["supervisor_task"] == task["id"]

    html = logged_in(app, "supervisor1").get("/supervision").get_data(as_text=True)
    overdue_table = html.split("已超期", 1)[1].split("即将超期", 1)[0]
    assert f'href="/tasks/{task["id"]}">办理</a>' in _row(overdue_table, red)
    assert f'href="/cases/{plain}">诉求详情</a>' in _row(overdue_table, plain)
    for row in re.findall(r"<tr>.*?</tr>", html, flags=re.S)[1:]:
        if "<td" in row and "/cases/" in row:
            assert "办理</a>" in row or "诉求详情</a>" in row, row

    # a leader reads the same list: no supervisor's task to work, the case to read
    leader = logged_in(app, "leader1").get("/supervision").get_data(as_text=True)
    assert f'href="/cases/{red}">诉求详情</a>' in _row(leader.split("已超期", 1)[1], red)
    assert f'/tasks/{task["id"]}' not in leader


@contextmanager
def _counted(rt):
    engine = rt.session_factory.kw["bind"]
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _queries(rt) -> dict[str, int]:
    lists = {"overdue": supervision.overdue, "due_soon": lambda r: supervision.due_soon(r, 4),
             "dissatisfied": supervision.dissatisfied, "watch": supervision.watch_list}
    counts = {}
    for name, read in lists.items():
        with _counted(rt) as statements:
            read(rt)
        counts[name] = len(statements)
    return counts


def test_a_supervision_list_costs_the_same_queries_for_two_cases_or_six(api, rt):
    _overdue_pair(api, rt)
    small = _queries(rt)
    for _ in range(2):
        _overdue_pair(api, rt)
    assert len(supervision.overdue(rt)) == 6 and len(supervision.watch_list(rt)) == 3
    assert _queries(rt) == small
