"""`flask qisu generate-history`: realistic synthetic case history for the insight pages and the
benchmark — closed and open cases with their P18 fact columns and ratings, no workflow behind
them (numbered LS…, shown as 历史数据), with the user tasks they passed and their finished deadline
clocks for process analytics (`history_steps.py`). Distributions are in `history_model.py`; writing (COPY on
PostgreSQL, batched inserts elsewhere) is here."""
from __future__ import annotations

import random
import time

from sqlalchemy import func, insert, select, text

from app.db.models import AuditEvent, Case, Enterprise, HumanTask, SlaClock, Unit
from app.db.rollup_sql import rebuild_statements
from app.domain.credit_code import make

from app.services.deployments import deploy_directory, latest
from app.services.runtime import Runtime

from .history_model import CASE_COLUMNS, Context, case_rows
from .history_steps import CLOCK_COLUMNS, TASK_COLUMNS, Steps
from .history_texts import enterprise_name

SYNTHETIC_PREFIX = "91442000H"  # credit codes of synthetic enterprises
RED_CATEGORIES = ("龙头骨干", "专精特新", "总部经济")
TRIGGERS = ("ALTER TABLE cases {} TRIGGER insight_rollup_cases",  # the rollup's, migration 0007
            "ALTER TABLE audit_events {} TRIGGER insight_rollup_returns_insert",
            # the analytics dirty marks (migration 0080): the new cases are marked at once below
            "ALTER TABLE cases {} TRIGGER analytics_dirty_cases",
            "ALTER TABLE human_tasks {} TRIGGER analytics_dirty_human_tasks",
            "ALTER TABLE sla_clocks {} TRIGGER analytics_dirty_sla_clocks")
AUDIT_COLUMNS = ("case_id", "at", "actor_name", "actor_role", "action", "before", "after")


def has_history(rt: Runtime) -> bool:
    with rt.uow() as uow:
        return uow.session.scalar(select(Case.id).where(Case.number.like("LS%")).limit(1)) is not None


def generate(rt: Runtime, cases: int, days: int = 365, seed: int = 0, workflows_dir=None,
             batch: int = 20_000, echo=lambda message: None) -> dict:
    started = time.perf_counter()
    ctx = _context(rt, cases, seed, workflows_dir)
    rng = random.Random(seed)
    steps = Steps(random.Random(seed + 2), _deadlines(rt, ctx.deployment_id), ctx.now)
    written = returns = tasks = 0
    with rt.uow() as uow:
        session = uow.session
        postgres = session.get_bind().dialect.name == "postgresql"
        first_id = (session.scalar(select(func.max(Case.id))) or 0) + 1
        if postgres:  # one rebuild at the end instead of a trigger call per case
            for statement in TRIGGERS:
                session.execute(text(statement.format("DISABLE")))
        for chunk, audit in case_rows(rng, ctx, cases, days, first_id, batch):
            task_rows, clock_rows = [], []
            for row in chunk:  # the trail of each case (process analytics, issue 21)
                more_tasks, more_clocks = steps.of(dict(zip(("id",) + CASE_COLUMNS, row)))
                task_rows += more_tasks
                clock_rows += more_clocks
            if postgres:
                _copy(session, "cases", ("id",) + CASE_COLUMNS, chunk)
                _copy(session, "audit_events", AUDIT_COLUMNS, audit, json_columns=(5, 6))
                _copy(session, "human_tasks", TASK_COLUMNS, task_rows)
                _copy(session, "sla_clocks", CLOCK_COLUMNS, clock_rows)
            else:
                session.execute(insert(Case), [dict(zip(("id",) + CASE_COLUMNS, r)) for r in chunk])
                if audit:
                    session.execute(insert(AuditEvent), [dict(zip(AUDIT_COLUMNS, r)) for r in audit])
                if task_rows:
                    session.execute(insert(HumanTask), [dict(zip(TASK_COLUMNS, r)) for r in task_rows])
                if clock_rows:
                    session.execute(insert(SlaClock), [dict(zip(CLOCK_COLUMNS, r)) for r in clock_rows])
            written += len(chunk)
            returns += len(audit)
            tasks += len(task_rows)
            echo(f"  {written:,} cases")
        if postgres:
            session.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), "
                                 "(SELECT max(id) FROM cases))"))
            for statement in TRIGGERS:
                session.execute(text(statement.format("ENABLE")))
            for statement in rebuild_statements(True):
                session.execute(text(statement))
            session.execute(text("INSERT INTO analytics_dirty (case_id) SELECT id FROM cases "
                                 "WHERE id >= :first ON CONFLICT DO NOTHING"), {"first": first_id})
        uow.commit()
        if postgres:
            session.execute(text("ANALYZE cases"))
            session.execute(text("ANALYZE audit_events"))
            session.execute(text("ANALYZE human_tasks"))
            session.execute(text("ANALYZE sla_clocks"))
            session.execute(text("ANALYZE insight_rollup"))
            session.commit()
    from app.services.analytics.rollup import enabled, refresh
    if enabled(rt):  # the process analytics rollup folds the new cases in once, set-based
        refresh(rt)
    return {"cases": written, "returns": returns, "tasks": tasks, "enterprises": len(ctx.enterprises),
            "seconds": round(time.perf_counter() - started, 1)}


def _deadlines(rt: Runtime, deployment_id: int):
    """(red list, matter class, kind, start) → {clock: (calendar, warn_at, due_at)}, as
    `start_clocks` computes them from the deployment's sla.dmn."""
    from app.engine.decisions import decider
    with rt.uow() as uow:
        decide = decider(rt.specs.get(uow.session, deployment_id), "sla", rt.runner.script_engine)
    calendar, answers = rt.settings["calendar"], {}

    def deadlines(red, matter, kind, start):
        key = (red, matter, kind)
        if key not in answers:
            answers[key] = decide({"red_list": red, "matter_class": matter, "kind": kind})
        out = answers[key]
        result = {}
        for clock in ("response", "solution", "resolution"):
            mode = out[f"{clock}_calendar"] or "natural"
            due = calendar.add(start, int(out[f"{clock}_minutes"]), mode)
            result[clock] = (mode, start + (due - start) * float(out["warn_ratio"]), due)
        return result
    return deadlines


def _copy(session, table: str, columns: tuple, rows: list, json_columns=()) -> None:
    if not rows:
        return
    import json
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            if json_columns:
                row = tuple(json.dumps(v, ensure_ascii=False) if i in json_columns and v is not None
                            else v for i, v in enumerate(row))
            copy.write_row(row)


def _context(rt: Runtime, cases: int, seed: int, workflows_dir) -> Context:
    with rt.uow() as uow:
        session = uow.session
        units = {u.code: u.id for u in session.scalars(select(Unit))}
        if not units:
            raise RuntimeError("no units: run `flask qisu seed` first")
        deployment = latest(session)
        deployment_id = deployment.id if deployment is not None else None
    if deployment_id is None:  # the cases need a deployment to belong to: deploy the files
        if workflows_dir is None:
            raise RuntimeError("no deployment: run `flask qisu deploy` first")
        deployment, _ = deploy_directory(rt, workflows_dir)
        deployment_id = deployment.id
    _ensure_enterprises(rt, max(150, min(3000, cases // 300)), seed)
    with rt.uow() as uow:
        enterprises = [(e.id, e.town, e.red_list, e.phone) for e in uow.session.scalars(
            select(Enterprise).where(Enterprise.town.is_not(None)).order_by(Enterprise.id))]
    return Context(units=units, enterprises=enterprises, deployment_id=deployment_id,
                   now=rt.clock.now())


def _ensure_enterprises(rt: Runtime, wanted: int, seed: int) -> None:
    from app.demo.data import TOWNS
    rng = random.Random(seed + 1)
    with rt.uow() as uow:
        session = uow.session
        have = session.scalar(select(func.count()).select_from(Enterprise)
                              .where(Enterprise.credit_code.like(f"{SYNTHETIC_PREFIX}%"))) or 0
        rows = []
        for k in range(have, wanted):
            town = rng.choices(TOWNS, weights=(22, 18, 30, 30))[0]
            red = rng.random() < 0.06
            rows.append({"credit_code": make(f"{SYNTHETIC_PREFIX}{k:08d}"),
                         "name": enterprise_name(rng, town), "phone": None,
                         "town": town, "red_list": red,
                         "red_list_category": rng.choice(RED_CATEGORIES) if red else None})
        if rows:
            session.execute(insert(Enterprise), rows)
        uow.commit()


