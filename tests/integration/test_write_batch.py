"""app/db/batch.py on the test database (SQLite, or PostgreSQL with DATABASE_URL): the rows a
batch writes are the rows asked for — NULLs, JSON, times, merged inserts, keyed updates with a
filter — and on PostgreSQL the whole batch is one statement, its text reused for the same shape
with new values."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import (JSON, Column, DateTime, Integer, MetaData, String, Table, create_engine,
                        event, select)
from sqlalchemy.orm import Session

from app.db.batch import WriteBatch
from app.db.uow import UnitOfWork

META = MetaData()
EVENTS = Table("batch_events", META, Column("id", Integer, primary_key=True),
               Column("name", String(20)), Column("at", DateTime), Column("detail", JSON))
TIMERS = Table("batch_timers", META, Column("case_id", Integer, primary_key=True),
               Column("task_id", String(10), primary_key=True), Column("status", String(10)),
               Column("fired_at", DateTime))
T1, T2 = datetime(2026, 12, 1, 9, 30), datetime(2026, 12, 2, 18, 0, 0, 123456)


@pytest.fixture
def engine(database_url):
    engine = create_engine(database_url)
    META.drop_all(engine)
    META.create_all(engine)
    with engine.begin() as conn:
        conn.execute(TIMERS.insert(), [
            {"case_id": 1, "task_id": t, "status": s, "fired_at": None}
            for t, s in (("a", "waiting"), ("b", "waiting"), ("c", "fired"), ("d", "waiting"))])
    yield engine
    META.drop_all(engine)
    engine.dispose()


def _statements(engine):
    seen = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def _timers(session):
    return {row.task_id: (row.status, row.fired_at)
            for row in session.execute(select(TIMERS).order_by(TIMERS.c.task_id))}


@pytest.mark.parametrize("repeat", [1, 2])
def test_a_batch_writes_exactly_its_rows(engine, repeat):
    seen = _statements(engine)
    with Session(engine) as session:
        for round_ in range(repeat):  # the second round reuses the first's statement text
            batch = WriteBatch()
            base = 10 * round_
            batch.insert(EVENTS, [{"id": base + 1, "name": "甲", "at": T1, "detail": None}])
            batch.update(TIMERS, ("case_id", "task_id"), [
                {"case_id": 1, "task_id": "a", "status": "fired", "fired_at": T2},
                {"case_id": 1, "task_id": "c", "status": "dropped", "fired_at": None},
            ], status="waiting")
            batch.insert(EVENTS, [{"id": base + 2, "name": "乙", "at": None,
                                   "detail": {"键": [1, "二"]}}])  # joins the first insert
            batch.update(TIMERS, ("case_id", "task_id"),
                         [{"case_id": 1, "task_id": "d", "fired_at": None}])  # all NULL
            assert len(batch.ops) == 3
            seen.clear()
            batch.execute(session)
            assert not batch
            if engine.dialect.name == "postgresql":
                assert len(seen) == 1 and seen[0].startswith("WITH"), seen
            else:
                assert len(seen) == 3, seen
            rows = session.execute(select(EVENTS).where(EVENTS.c.id > base)
                                   .order_by(EVENTS.c.id)).all()
            assert [tuple(r) for r in rows[:2]] == [(base + 1, "甲", T1, None),
                                                    (base + 2, "乙", None, {"键": [1, "二"]})]
            # "c" was not waiting: the filter left it alone
            assert _timers(session) == {"a": ("fired", T2), "b": ("waiting", None),
                                        "c": ("fired", None), "d": ("waiting", None)}
            session.execute(TIMERS.update().values(status="waiting", fired_at=None)
                            .where(TIMERS.c.task_id == "a"))
        session.commit()


def test_an_empty_batch_sends_nothing(engine):
    seen = _statements(engine)
    with Session(engine) as session:
        batch = WriteBatch()
        batch.insert(EVENTS, [])
        batch.update(TIMERS, ("case_id", "task_id"), [])
        batch.execute(session)
    assert seen == []


def test_the_unit_of_work_refuses_to_commit_unsent_writes(engine):
    from sqlalchemy.orm import sessionmaker
    with UnitOfWork(sessionmaker(bind=engine)) as uow:
        batch = WriteBatch()
        uow.session.info["qisu_batches"] = [batch]
        batch.insert(EVENTS, [{"id": 99, "name": "丙", "at": None, "detail": None}])
        with pytest.raises(RuntimeError, match="projection.flush"):
            uow.commit()
        batch.execute(uow.session)
        uow.commit()
    with Session(engine) as session:
        assert session.scalar(select(EVENTS.c.name).where(EVENTS.c.id == 99)) == "丙"
