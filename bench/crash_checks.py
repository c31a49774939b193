"""The crash test's checks on the database after the run (bench/crash.py; tests/ops/test_crash_checks.py).

* intake: every Idempotency-Key answered 2xx names exactly one case (the key is in its
  description), with the number of the first answer; its stored key row says so too; no key made
  two cases, acknowledged or not;
* workflows: every case has a workflow state that deserializes with the app's engine (its
  deployment's specs); its ready user tasks are exactly the human_tasks rows with status ready and
  its waiting timers exactly the timers rows with status waiting;
* tasks: no (case, task, unit) ready twice; no task opened or completed twice (audit);
* timers: none still waiting past its due time; each fired timer has exactly one 'timer_fired'
  audit event, a dropped one none; its effect happened once per firing (urge / overdue audit events
  per case and clock = fired warn / due timers); every timer case's response warning and deadline
  fired;
* advance: one open task of every case is completed through the service layer (tasks.complete,
  as a user allowed to), which must succeed.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import select

KEY_IN_TEXT = re.compile(r"\[(crash-[0-9a-f]+)\]")
CONTACT = {"contacted_at": "2026-11-23T10:30:00+08:00", "contact_method": "电话"}
ADVANCE_DATA = {
    "dispatch": {"unit_code": "cgj", "override_reason": "崩溃测试后推进"},
    "sign": {}, "contact": CONTACT, "propose": {"solution": "协调相关部门处理"},
    "reply": {"result": "解决", "reply_text": "已协调解决"}, "rate": {"rating": "满意"},
    "revisit": {"rating": "满意", "revisit_note": "电话回访"},
    "supervise": {"instruction": "请尽快办理"},
    "supervise_overdue_response": {"instruction": "请尽快签收"},
    "supervise_overdue_solution": {"instruction": "请尽快提出方案"},
    "supervise_overdue_resolution": {"instruction": "请尽快办结"},
}
CLOCKS = ("response", "solution", "resolution")


class Report:
    def __init__(self):
        self.lines: list[str] = []
        self.failures: list[str] = []

    def fail(self, what: str) -> None:
        self.failures.append(what)

    def check(self, name: str, problems: list[str], checked: str) -> None:
        self.lines.append(f"  [{'ok' if not problems else 'FAIL'}] {name}: {checked}"
                          + (f"; {len(problems)} problem(s)" if problems else ""))
        for problem in problems[:10]:
            self.lines.append(f"        - {problem}")
        self.failures.extend(problems)


def check_intakes(session, acks: list[dict], report: Report) -> None:
    import json

    from app.db.models import Case, IdempotencyKey, User
    by_key: dict[str, list[str]] = defaultdict(list)
    for number, description in session.execute(select(Case.number, Case.description)):
        for key in KEY_IN_TEXT.findall(description or ""):
            by_key[key].append(number)
    users = dict(session.execute(select(User.username, User.id)).all())
    stored = {(r.user_id, r.key): r for r in session.scalars(
        select(IdempotencyKey).where(IdempotencyKey.key.like("crash-%")))}
    problems = []
    for ack in acks:
        numbers = by_key.get(ack["key"], [])
        if numbers != [ack["number"]]:
            problems.append(f"key {ack['key']} acknowledged as {ack['number']} but cases {numbers}")
        if not ack.get("keyed", True):
            continue  # the control run sent no Idempotency-Key
        row = stored.get((users.get(ack["user"]), ack["key"]))
        if row is None or row.status_code != 201 or json.loads(row.response_body or "{}").get(
                "number") != ack["number"]:
            problems.append(f"key {ack['key']}: stored idempotency result missing or different")
    problems += [f"key {key} made {len(numbers)} cases {numbers}" for key, numbers in by_key.items()
                 if len(numbers) > 1]
    report.check("intake exactly once", problems,
                 f"{len(acks)} acknowledged intakes, {len(by_key)} keyed cases in the database")


def check_workflows(rt, session, report: Report) -> None:
    from app.db.models import Case, HumanTask, Timer, WorkflowState
    ready = defaultdict(set)
    for case_id, task_id in session.execute(select(HumanTask.case_id, HumanTask.id)
                                            .where(HumanTask.status == "ready")):
        ready[case_id].add(task_id)
    waiting = defaultdict(set)
    for case_id, task_id in session.execute(select(Timer.case_id, Timer.task_id)
                                            .where(Timer.status == "waiting")):
        waiting[case_id].add(task_id)
    problems, loaded, open_tasks = [], 0, 0
    for case in session.scalars(select(Case).order_by(Case.id)):
        state = session.get(WorkflowState, case.id)
        if state is None:
            problems.append(f"{case.number}: no workflow state")
            continue
        try:
            workflow = rt.runner.load(rt.specs.get(session, case.deployment_id), state.state)
        except Exception as err:  # noqa: BLE001 - reported
            problems.append(f"{case.number}: workflow does not load: {type(err).__name__}: {err}")
            continue
        loaded += 1
        engine_tasks = {view.id for view in rt.runner.ready_user_tasks(workflow)}
        open_tasks += len(engine_tasks)
        if engine_tasks != ready[case.id]:
            problems.append(f"{case.number}: engine ready tasks {sorted(engine_tasks)} ≠ "
                            f"human_tasks ready {sorted(ready[case.id])}")
        engine_timers = {view.task_id for view in rt.runner.waiting_timers(workflow)}
        if engine_timers != waiting[case.id]:
            problems.append(f"{case.number}: engine waiting timers {len(engine_timers)} ≠ timers "
                            f"rows waiting {len(waiting[case.id])}")
    report.check("workflows load, projections match", problems,
                 f"{loaded} workflows loaded; {open_tasks} ready tasks and their timers match the engine")


def check_tasks(session, report: Report) -> None:
    from sqlalchemy import func

    from app.db.models import AuditEvent, HumanTask
    problems = [f"case {c} task {s} (unit {u}) ready {n}×" for c, s, u, n in session.execute(
        select(HumanTask.case_id, HumanTask.spec_name, HumanTask.unit_id, func.count())
        .where(HumanTask.status == "ready")
        .group_by(HumanTask.case_id, HumanTask.spec_name, HumanTask.unit_id)
        .having(func.count() > 1))]
    audited = Counter()
    for action, task_id, n in session.execute(
            select(AuditEvent.action, AuditEvent.task_id, func.count())
            .where(AuditEvent.action.in_(("task_opened", "complete_task")))
            .group_by(AuditEvent.action, AuditEvent.task_id)):
        audited[action] += 1
        if n > 1:
            problems.append(f"task {task_id}: audit '{action}' {n}×")
    rows = session.scalar(select(func.count()).select_from(HumanTask))
    report.check("no task twice", problems,
                 f"{rows} task rows, {audited['task_opened']} opened and "
                 f"{audited['complete_task']} completed once each")


def check_timers(session, timer_cases: list[str], end_at: datetime, report: Report) -> None:
    from app.db.models import AuditEvent, Case, Timer
    timers = list(session.scalars(select(Timer)))
    fired_audits = Counter(task_id for (task_id,) in session.execute(
        select(AuditEvent.task_id).where(AuditEvent.action == "timer_fired")))
    problems = []
    fired = Counter()  # (case_id, timer name) → fired timers
    for t in timers:
        n = fired_audits.get(t.task_id, 0)
        if t.status == "waiting" and t.due_at <= end_at:
            problems.append(f"timer {t.name} of case {t.case_id} due {t.due_at} still waiting (lost)")
        if t.status == "fired":
            fired[(t.case_id, t.name)] += 1
            if n != 1:
                problems.append(f"timer {t.name} of case {t.case_id} fired, audited {n}×")
        elif n:
            problems.append(f"timer {t.name} of case {t.case_id} {t.status}, audited fired {n}×")
    effects = Counter()
    for case_id, action, after in session.execute(select(
            AuditEvent.case_id, AuditEvent.action, AuditEvent.after)
            .where(AuditEvent.action.in_(("urge", "overdue")))):
        effects[(case_id, f"timer_{(after or {}).get('clock')}_{'warn' if action == 'urge' else 'due'}")] += 1
    for key in set(effects) | {k for k in fired if k[1].rsplit("_", 1)[0][6:] in CLOCKS}:
        if effects[key] != fired[key]:
            problems.append(f"case {key[0]} {key[1]}: fired {fired[key]}×, effect (urge/overdue) "
                            f"{effects[key]}×")
    ids = dict(session.execute(select(Case.number, Case.id).where(Case.number.in_(timer_cases))).all())
    expected = seen = 0
    for number in timer_cases:
        for name in ("timer_response_warn", "timer_response_due"):
            count = fired[(ids.get(number), name)]
            expected, seen = expected + 1, seen + count
            if count != 1:
                problems.append(f"timer case {number}: {name} fired {count}×")
    status = Counter(t.status for t in timers)
    report.check("timers fired exactly once", problems,
                 f"{len(timers)} timers {dict(sorted(status.items()))}; {sum(fired.values())} fired "
                 f"once with one audit event and one effect; {expected} timer-case timers expected, "
                 f"{seen} fired")


def _actor_for(rt, session, task):
    from app.db.models import User
    from app.services import auth
    stmt = select(User.id).where(User.role == task.role, User.active.is_(True))
    if task.role == "unit":
        stmt = stmt.where(User.unit_id == task.unit_id)
    elif task.role == "enterprise":
        stmt = stmt.where(User.enterprise_id == task.enterprise_id)
    user_id = session.scalar(stmt.order_by(User.id).limit(1))
    return auth.actor_by_id(rt, user_id) if user_id else None


def check_advance(rt, report: Report) -> None:
    """Complete one open task of every case through the service layer (commits)."""
    from app.clock import local
    from app.db.models import HumanTask
    from app.services import tasks
    with rt.uow() as uow:
        session = uow.session
        firsts = {}
        for task in session.scalars(select(HumanTask).where(HumanTask.status == "ready")
                                    .order_by(HumanTask.created_at, HumanTask.id)):
            firsts.setdefault(task.case_id, task)
        todo = [(t.id, t.spec_name, _actor_for(rt, session, t)) for t in firsts.values()]
    problems, advanced, skipped = [], Counter(), Counter()
    for task_id, spec, actor in todo:
        if spec not in ADVANCE_DATA or actor is None:
            skipped[spec] += 1
            continue
        try:
            data = dict(ADVANCE_DATA[spec])
            if spec == "contact":  # P5: a contact time is not in the future nor before the dispatch
                data["contacted_at"] = local(rt.clock.now()).isoformat(timespec="seconds")
            tasks.complete(rt, actor, task_id, data)
            advanced[spec] += 1
        except Exception as err:  # noqa: BLE001 - reported
            problems.append(f"task {task_id} ({spec}) did not advance: {type(err).__name__}: {err}")
    report.check("open cases advance", problems,
                 f"{sum(advanced.values())} of {len(todo)} open cases advanced one task "
                 f"{dict(sorted(advanced.items()))}" + (f"; skipped {dict(skipped)}" if skipped else ""))


def verify(rt, acks: list[dict], timer_cases: list[str], end_at: datetime,
           advance: bool = True) -> Report:
    report = Report()
    with rt.uow() as uow:
        session = uow.session
        check_intakes(session, acks, report)
        check_workflows(rt, session, report)
        check_tasks(session, report)
        check_timers(session, timer_cases, end_at, report)
    if advance:
        check_advance(rt, report)
    return report


def run_checks(url: str, acks: list[dict], timer_cases: list[str], end_at: datetime, out=print) -> bool:
    import logging

    from app import create_app
    logging.disable(logging.INFO)  # the engine's per-task log lines
    app = create_app({"DATABASE_URL": url, "QISU_AUTO_DEPLOY": False, "SECRET_KEY": "crash-checks"})
    rt = app.extensions["qisu"]
    try:
        report = verify(rt, acks, timer_cases, end_at)
    finally:
        rt.session_factory.kw["bind"].dispose()
    out("checks:")
    for line in report.lines:
        out(line)
    return not report.failures
