"""History in the tables the loop touches, for the load test's 1M database (bench/load.py).

`flask qisu generate-history` writes cases (numbered LS…) and a few audit events, nothing else;
a real system with a million cases behind it also holds their finished work. For every
historical case this adds, with set-based SQL (INSERT … SELECT over the cases, generate_series):

* 3 completed human_tasks (dispatch by dispatcher1, sign and reply by the unit's specialist);
* 2 fired timers (timer_response_warn, timer_rating_due);
* 1 sent outbox SMS (acknowledge);
* 2 audit events (intake, complete_task) with small JSON bodies.

    .venv/bin/python bench/load_history.py DATABASE_URL     (load.py calls add_history itself)
"""
from __future__ import annotations

import sys
import time

STATEMENTS = (
    ("human_tasks", """
INSERT INTO human_tasks (id, case_id, spec_name, title, lane, role, unit_id, enterprise_id, form,
                         status, assignee_id, red_list, deadline_clock, due_at, created_at,
                         completed_at, completed_by)
SELECT md5('hist-task-' || c.id || '-' || t.n)::uuid::text, c.id, t.spec_name, t.title, t.lane,
       t.role, CASE WHEN t.role = 'unit' THEN c.unit_id END, NULL, t.form, 'completed', NULL,
       c.red_list, t.clock,
       CASE WHEN t.clock IS NOT NULL THEN c.created_at + interval '1 day' END,
       c.created_at + (t.n - 1) * interval '2 hours', c.created_at + t.n * interval '2 hours',
       CASE WHEN t.role = 'unit' THEN coalesce(s.user_id, :dispatcher) ELSE :dispatcher END
FROM cases c
CROSS JOIN (VALUES (1, 'dispatch', '派单', '派单员', 'dispatcher', 'dispatch.schema.json', NULL),
             (2, 'sign', '签收', '承办单位', 'unit', 'sign.schema.json', 'response'),
             (3, 'reply', '办结答复', '承办单位', 'unit', 'reply.schema.json', 'resolution'))
     AS t (n, spec_name, title, lane, role, form, clock)
LEFT JOIN (SELECT unit_id, min(id) AS user_id FROM users WHERE role = 'unit' GROUP BY unit_id) s
       ON s.unit_id = c.unit_id
WHERE c.number LIKE 'LS%'
"""),
    ("timers", """
INSERT INTO timers (case_id, task_id, name, due_at, status, fired_at)
SELECT c.id, md5('hist-timer-' || c.id || '-' || k)::uuid::text,
       CASE k WHEN 1 THEN 'timer_response_warn' ELSE 'timer_rating_due' END,
       c.created_at + k * interval '45 minutes', 'fired',
       c.created_at + k * interval '45 minutes' + interval '400 milliseconds'
FROM cases c CROSS JOIN generate_series(1, 2) AS k
WHERE c.number LIKE 'LS%'
"""),
    ("outbox", """
INSERT INTO outbox (case_id, channel, recipient, template, body, created_at, sent_at, attempts)
SELECT c.id, 'sms', coalesce(e.phone, '13700000000'), 'acknowledge',
       '【企诉】您的诉求已受理,编号 ' || c.number || '。我们将尽快办理,可随时凭编号查询进度。',
       c.created_at, c.created_at + interval '2 seconds', 1
FROM cases c JOIN enterprises e ON e.id = c.enterprise_id
WHERE c.number LIKE 'LS%'
"""),
    ("audit_events", """
INSERT INTO audit_events (case_id, at, actor_id, actor_name, actor_role, action, task_id,
                          task_name, before, after)
SELECT c.id, c.created_at + (k - 1) * interval '2 hours',
       CASE k WHEN 1 THEN :agent ELSE :dispatcher END,
       CASE k WHEN 1 THEN '话务员李敏' ELSE '派单员黄伟' END,
       CASE k WHEN 1 THEN 'agent' ELSE 'dispatcher' END,
       CASE k WHEN 1 THEN 'intake' ELSE 'complete_task' END,
       CASE k WHEN 2 THEN md5('hist-task-' || c.id || '-1')::uuid::text END,
       CASE k WHEN 2 THEN '派单' END,
       CASE k WHEN 2 THEN '{"status": "dispatching"}' END::json,
       CASE k WHEN 1 THEN json_build_object('channel', c.channel, 'kind', c.kind,
                                            'domain', c.domain, 'town', c.town)::text
              ELSE '{"data": {"unit_code": "cgj", "co_units": []}}' END::json
FROM cases c CROSS JOIN generate_series(1, 2) AS k
WHERE c.number LIKE 'LS%'
"""),
)


def add_history(url: str, echo=print) -> dict:
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    counts = {}
    try:
        with engine.begin() as conn:
            users = dict(conn.execute(text(
                "SELECT username, id FROM users WHERE username IN ('agent1', 'dispatcher1')")).all())
            params = {"agent": users["agent1"], "dispatcher": users["dispatcher1"]}
            for table, sql in STATEMENTS:
                started = time.perf_counter()
                used = {k: v for k, v in params.items() if f":{k}" in sql}
                counts[table] = conn.execute(text(sql), used).rowcount
                echo(f"  {table}: +{counts[table]:,} historical rows "
                     f"({time.perf_counter() - started:.0f} s)")
    finally:
        engine.dispose()
    return counts


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    add_history(sys.argv[1])
