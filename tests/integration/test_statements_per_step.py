"""SQL statements per step (issue 20 §5): a completion reads each row once — the case, its open
tasks and its workflow state in one query, the clocks once, not once per clock action,
projection, fact and answer — writes the trail in one INSERT, and keeps `returns_count` by
counting on instead of counting the audit trail."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.support import UNIT_STEPS

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


def test_each_completion_reads_the_clocks_at_most_once_and_never_counts_the_trail(api, statements):
    case = api.submit(domain="城市管理", town="")
    for user in ("dispatcher1", "spec_cgj"):
        api.token(user)  # logged in before: a step is the completion alone
    per_step = {}
    for user, name, data in [("dispatcher1", "dispatch", DISPATCH)] + [("spec_cgj", n, d) for n, d in UNIT_STEPS]:
        task = next(t for t in case["open_tasks"] if t["name"] == name)
        statements.clear()
        answer = api.as_(user).post(f"/api/tasks/{task['id']}/complete", json={"data": data})
        assert answer.status == 200, answer
        case = answer.json
        per_step[name] = list(statements)
        clock_reads = [s for s in statements if s.startswith("SELECT") and "FROM sla_clocks" in s]
        assert len(clock_reads) <= 1, (name, clock_reads)
        assert not [s for s in statements if "count(" in s and "audit_events" in s], name
        assert len([s for s in statements if s.startswith("INSERT INTO audit_events")]) == 1, name
        assert len([s for s in statements if "FROM workflow_states" in s
                    or "JOIN workflow_states" in s]) <= 1, name
    # A plain step (signing): token; open tasks + case + state; clocks (timers unchanged: no
    # read); trail (both entries), case, task, new task, state.
    assert len(per_step["sign"]) <= 8, per_step["sign"]
    assert case["clocks"] and case["open_tasks"], case
