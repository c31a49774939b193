"""SQL statements per step (issue 20 §5): a completion reads each row once — the case, its open
tasks, its clocks and its workflow state in one query, not once per clock action, projection,
fact and answer — writes its rows in one batch (app/db/batch.py), and keeps `returns_count` by
counting on instead of counting the audit trail."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.support import ENTERPRISES, UNIT_STEPS

DISPATCH = {"unit_code": "cgj", "override_reason": "城管局统一处理"}


@pytest.fixture
def statements(rt):
    engine = rt.session_factory.kw["bind"]
    seen: list[str] = []

    def capture(_conn, _cursor, statement, _parameters, _context, _many):
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", capture)
    yield seen
    event.remove(engine, "before_cursor_execute", capture)


def _step(statements, call):
    statements.clear()
    answer = call()
    assert answer.status in (200, 201), answer
    return answer.json, list(statements)


def _writes_after_case_update(seen: list[str]) -> list[str]:
    first = next(i for i, s in enumerate(seen) if s.startswith(("UPDATE cases", "INSERT INTO cases")))
    return [s for s in seen[first + 1:] if not s.startswith("SELECT")]


def test_every_step_of_a_case_reads_each_row_once_and_writes_in_one_batch(api, statements,
                                                                          database_url):
    """Intake, each completion and the rating: the clocks come with the completion's one query,
    the trail is never counted, and the rows a step writes (trail, tasks, timers, clocks,
    messages, state) go in one batch after the case's versioned update — one statement on
    PostgreSQL, so every step there is at most 8 statements (a completion 4–5)."""
    postgres = database_url.startswith("postgresql")
    for user in ("agent1", "dispatcher1", "spec_cgj", "ent2"):
        api.token(user)  # logged in before: a step is the request alone
    body = {"kind": "投诉", "description": "厂区门口绿化带影响车辆进出,请求协调移植",
            "credit_code": ENTERPRISES[1]["credit_code"], "domain": "城市管理", "town": ""}
    _step(statements, lambda: api.as_("agent1").post("/api/cases", json=body))  # specs cached
    case, seen = _step(statements, lambda: api.as_("agent1").post("/api/cases", json=body))
    per_step = {"intake": seen}
    for user, name, data in [("dispatcher1", "dispatch", DISPATCH)] + [
            ("spec_cgj", n, {**d, "contacted_at": api.now_beijing()} if n == "contact" else d)
            for n, d in UNIT_STEPS]:
        task = next(t for t in case["open_tasks"] if t["name"] == name)
        case, per_step[name] = _step(statements, lambda: api.as_(user).post(
            f"/api/tasks/{task['id']}/complete", json={"data": data}))
    case, per_step["rating"] = _step(statements, lambda: api.as_("ent2").post(
        f"/api/cases/{case['number']}/rating", json={"rating": "满意"}))
    assert case["status"] == "closed", case

    for name, seen in per_step.items():
        assert not [s for s in seen if s.startswith("SELECT sla_clocks")], (name, seen)
        assert not [s for s in seen if "count(" in s and "audit_events" in s], (name, seen)
        assert len([s for s in seen if "INSERT INTO audit_events" in s]) == 1, (name, seen)
        assert len([s for s in seen if "FROM workflow_states" in s
                    or "JOIN workflow_states" in s]) <= 1, (name, seen)
        writes = _writes_after_case_update(seen)
        if postgres:
            assert len(writes) == 1 and writes[0].startswith("WITH"), (name, writes)
            assert len(seen) <= 8, (name, len(seen), seen)
            if name != "intake":  # token, load, an action's own read, case update, batch
                assert len(seen) <= 5, (name, "\n".join(s[:150] for s in seen))
    # SQLite sends one statement per table written: a plain step (signing) is token; open tasks
    # + case + clocks + state; case; trail (both entries), task done, new task, state.
    assert len(per_step["sign"]) <= 8, per_step["sign"]
