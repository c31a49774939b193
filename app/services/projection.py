"""After every engine run: save the workflow state and project its ready user tasks and timers."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm.attributes import flag_modified, set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app.db.models import AuditEvent, Case, HumanTask, Timer, Unit, WorkflowState
from app.domain.roles import role_for_lane
from app.domain.vocab import FINAL_STATUSES

from . import audit, facts


def save(command, workflow, completed_task_id: str | None = None) -> list[HumanTask]:
    """Write state, task and timer projections and the case status in the command's transaction.

    Returns the case's open tasks after the run."""
    case, session = command.case, command.session
    dumped = command.rt.runner.dump(workflow)
    states = WorkflowState.__table__
    if command.state_exists and command.state is None:  # written by `flush`
        command.writes.update(states, ("case_id",), [{"case_id": case.id, "state": dumped}])
    elif command.state_exists is False:  # a new case: its first state
        command.writes.insert(states, [{"case_id": case.id, "state": dumped}])
    else:
        state = command.state if command.state is not None else session.get(WorkflowState, case.id)
        if state is None:
            session.add(WorkflowState(case_id=case.id, state=dumped))
        else:
            state.state = dumped
    case.updated_at = command.now
    flag_modified(case, "updated_at")  # a new state always bumps the case's version (WorkflowCache)
    open_tasks = _project_tasks(command, workflow, completed_task_id)
    _project_timers(command, workflow)
    facts.refresh(command)  # P18: the insight columns, in the command's own transaction
    return open_tasks


def flush(command, new_case: bool = False) -> None:
    """Write the command's case changes first — a versioned UPDATE, so a concurrent writer
    fails there (409) before anything else is sent — then whatever the ORM holds, then the row
    writes the command kept for the end (its trail, the task, timer and clock changes, messages,
    the new workflow state): one statement on PostgreSQL (app/db/batch.py). `new_case`: the
    command inserted the case, so no one else sees it yet: its changes since need no version
    check and go with the batch."""
    session, case = command.session, command.case
    changes = _case_changes(case)
    if new_case:
        command.writes.update(Case.__table__, ("id",), [{"id": case.id} | changes] if changes else [])
    elif changes:
        _versioned_update(session, case, changes)
    session.flush()
    command.queue_clock_writes()
    if command.trail:
        command.writes.insert(AuditEvent.__table__, audit.rows(command.trail))
        command.trail.clear()
    command.writes.execute(session)


def _case_changes(case) -> dict:
    """The case's changed columns, taken from the ORM (whose flush then leaves the case alone)."""
    state = inspect(case)
    changes = {}
    for key in list(state.committed_state):  # the attributes changed since the load
        value = getattr(case, key)
        changes[state.mapper.attrs[key].columns[0].key] = value
        set_committed_value(case, key, value)
    return changes


_CASES = Case.__table__
_UPDATES: dict = {}  # the versioned UPDATE by the columns it sets


def _versioned_update(session, case, changes: dict) -> None:
    """UPDATE … WHERE version = the version read: no row means another command changed the
    case meanwhile (StaleDataError: 409, everything rolled back)."""
    columns = tuple(sorted(changes))
    statement = _UPDATES.get(columns)
    if statement is None:
        statement = _UPDATES[columns] = _CASES.update().where(
            _CASES.c.id == bindparam("case_id_"), _CASES.c.version == bindparam("version_")
        ).values({name: bindparam(name) for name in columns} | {"version": bindparam("new_version_")})
    version = case.version
    result = session.execute(statement, changes | {
        "case_id_": case.id, "version_": version, "new_version_": version + 1})
    if result.rowcount != 1:
        raise StaleDataError(f"case {case.id} changed since version {version}")
    set_committed_value(case, "version", version + 1)


def _project_tasks(command, workflow, completed_task_id):
    case, session = command.case, command.session
    views = command.rt.runner.ready_user_tasks(workflow)
    ready_ids = {view.id for view in views}
    if command.open_tasks is not None:
        open_rows = {row.id: row for row in command.open_tasks}
    else:
        with session.no_autoflush:  # pending changes don't affect this read; flush once at the end
            open_rows = {row.id: row for row in session.scalars(
                select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.status == "ready"))}
    ended = []
    for row_id, row in open_rows.items():
        if row_id not in ready_ids:  # the rows as written (by `flush`), without the ORM's flush
            done = row_id == completed_task_id
            by = command.actor.id if done and command.actor else row.completed_by
            for name, value in (("status", "completed" if done else "cancelled"),
                                ("completed_at", command.now), ("completed_by", by)):
                set_committed_value(row, name, value)
            ended.append({"id": row_id, "status": row.status, "completed_at": command.now,
                          "completed_by": by})
    command.writes.update(HumanTask.__table__, ("id",), ended)
    still_open = [row for row_id, row in open_rows.items() if row_id in ready_ids]
    created = []
    for view in views:
        if view.id in open_rows:
            continue
        role = role_for_lane(view.lane)
        clock = view.properties.get("deadlineClock")
        row = HumanTask(
            id=view.id, case_id=case.id, spec_name=view.name, title=view.title, lane=view.lane,
            role=role, unit_id=_unit_for(session, case, view) if role == "unit" else None,
            enterprise_id=case.enterprise_id if role == "enterprise" else None,
            form=view.properties.get("formJsonSchemaFilename"), status="ready",
            red_list=case.red_list, deadline_clock=clock,
            due_at=_deadline(command, clock) or _due_from(view), created_at=command.now)
        created.append(row)
        audit.record(command, "task_opened", task_id=view.id, task_name=view.title,
                     after={"lane": view.lane, "role": role})

    statuses = [v.properties["caseStatus"] for v in views if v.properties.get("caseStatus")]
    if statuses:
        case.status = statuses[0]
    command.writes.insert_objects(created)  # written by `flush`
    case.current_step = "、".join(view.title for view in views)[:200] or None
    if views:
        case.suggested_unit_code = views[0].data.get("suggested_unit") or case.suggested_unit_code
    elif command.rt.runner.finished(workflow) and case.status not in FINAL_STATUSES:
        case.status = "closed"
        case.closed_at = case.closed_at or command.now
    return still_open + created


def _unit_for(session, case, view) -> int | None:
    """The lead unit, or the unit named by the task's `unitVariable` (co-units, P15)."""
    variable = view.properties.get("unitVariable")
    code = view.data.get(variable) if variable else None
    if code:
        unit = session.scalar(select(Unit).where(Unit.code == code))
        return unit.id if unit else None
    return case.unit_id


def _deadline(command, clock):
    """The due time of the clock's newest running (or already violated) round."""
    if not clock:
        return None
    return next((row.due_at for row in reversed(command.clocks())
                 if row.clock == clock and row.outcome in ("running", "violated")), None)


def _due_from(view):
    """The due time a task's `dueVariable` property names: a process variable holding an ISO
    8601 time, or a dict with one under "due" (e.g. the rating window of `await_rating`, P11)."""
    variable = view.properties.get("dueVariable")
    value = view.data.get(variable) if variable else None
    if isinstance(value, dict):
        value = value.get("due")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def announce_timers(command, workflow) -> None:
    """Before the engine fires due timers: their `timer_fired` entries, so that the trail shows the
    timer before what it causes (the 回访 task it opens, an overdue flag). Entries of timers that
    then do not fire are taken back by `save`."""
    rows = {row.task_id: row for row in command.session.scalars(
        select(Timer).where(Timer.case_id == command.case.id, Timer.status == "waiting",
                            Timer.due_at <= command.now))}
    for view in command.rt.runner.waiting_timers(workflow):
        row = rows.get(view.task_id)
        if row is not None and view.due_at <= command.now:
            command.timer_events[view.task_id] = audit.record(
                command, "timer_fired", task_id=view.task_id, task_name=row.name,
                after=_fired_detail(command, row))


def _withdraw(session, entry, trail=None) -> None:
    if trail is not None and entry in trail:
        trail.remove(entry)
    elif entry in session.new:
        session.expunge(entry)
    else:
        session.delete(entry)


def _fired_detail(command, row) -> dict:
    return {"due_at": row.due_at.isoformat(),
            "lateness_s": round((command.now - row.due_at).total_seconds(), 3)}


def _project_timers(command, workflow) -> None:
    case, session = command.case, command.session
    announced_events = dict(command.timer_events)
    command.timer_events.clear()
    waiting = {view.task_id: view for view in command.rt.runner.waiting_timers(workflow)}
    before = command.timers_before
    if not announced_events and before is not None:
        if timer_keys(before.values()) != timer_keys(waiting.values()):
            _mirror_changes(command, workflow, before, waiting)
        return  # else the same timers wait, with the same due times: their rows are already so
    with session.no_autoflush:
        rows = {row.task_id: row for row in session.scalars(
            select(Timer).where(Timer.case_id == case.id, Timer.status == "waiting"))}
    for task_id, row in rows.items():
        view = waiting.get(task_id)
        if view is not None:
            row.due_at = view.due_at  # moved by an extension
            continue
        row.status = "fired" if command.rt.runner.task_completed(workflow, task_id) else "dropped"
        row.fired_at = command.now if row.status == "fired" else None
        announced = announced_events.pop(task_id, None)
        if row.status == "fired" and announced is None:
            audit.record(command, "timer_fired", task_id=task_id, task_name=row.name,
                         after=_fired_detail(command, row))
        elif announced is not None and row.status != "fired":
            _withdraw(session, announced, command.trail)  # announced, then not fired: off the trail
    for entry in announced_events.values():
        _withdraw(session, entry, command.trail)
    for task_id, view in waiting.items():
        if task_id not in rows:
            session.add(Timer(case_id=case.id, task_id=task_id, name=view.name, due_at=view.due_at,
                              status="waiting"))


def _mirror_changes(command, workflow, before: dict, waiting: dict) -> None:
    """The timer rows mirror the engine's waiting timers, and `before` is what waited when the
    command loaded the workflow: the changes are written without reading the rows, in at most
    one statement each for ended, moved and new timers."""
    case, runner = command.case, command.rt.runner
    table = Timer.__table__
    ended = []
    for task_id, view in before.items():
        if task_id in waiting:
            continue
        fired = runner.task_completed(workflow, task_id)
        ended.append({"case_id": case.id, "task_id": task_id,
                      "status": "fired" if fired else "dropped",
                      "fired_at": command.now if fired else None})
        if fired:
            audit.record(command, "timer_fired", task_id=task_id, task_name=view.name,
                         after=_fired_detail(command, view))
    writes = command.writes  # written by `flush`, after the case's versioned update
    keys = ("case_id", "task_id")
    writes.update(table, keys, ended, status="waiting")
    writes.update(table, keys, [{"case_id": case.id, "task_id": task_id, "due_at": view.due_at}
                                for task_id, view in waiting.items()
                                if task_id in before and before[task_id].due_at != view.due_at],
                  status="waiting")
    writes.insert(table, [{"case_id": case.id, "task_id": task_id, "name": view.name,
                           "due_at": view.due_at, "status": "waiting", "fired_at": None,
                           "fault": None}
                          for task_id, view in waiting.items() if task_id not in before])


def timer_keys(views) -> frozenset:
    """What the timer rows mirror of the engine's waiting timers: (task id, due time)."""
    return frozenset((view.task_id, view.due_at) for view in views)
