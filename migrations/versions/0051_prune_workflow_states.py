"""compact stored workflow states: drop finished subprocesses of earlier rounds (issue 20 §2)

Every command now saves the state without them (app/engine/state.prune_finished_subprocesses);
this does the same once for the states stored before, so idle cases shrink too. Rows are read
and written in batches by case id; a state that does not change is not written.

Revision ID: 0051
Revises: 0050
"""
import json

from alembic import op
import sqlalchemy as sa

from app.engine.state import prune_finished_subprocesses


revision = '0051'
down_revision = '0050'
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(sa.text("SELECT case_id, state FROM workflow_states WHERE case_id > :last "
                                    "ORDER BY case_id LIMIT :n"), {"last": last, "n": BATCH}).all()
        if not rows:
            break
        for case_id, state in rows:
            dct = json.loads(state)
            before = len(dct.get("subprocesses") or {})
            prune_finished_subprocesses(dct)
            if len(dct.get("subprocesses") or {}) != before:
                conn.execute(sa.text("UPDATE workflow_states SET state = :s WHERE case_id = :c"),
                             {"s": json.dumps(dct, ensure_ascii=False), "c": case_id})
        last = rows[-1][0]


def downgrade() -> None:
    pass  # the dropped subprocesses were finished; the trail keeps their history
