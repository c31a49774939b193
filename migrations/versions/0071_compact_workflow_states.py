"""compact stored workflow states: drop the finished history of earlier rounds (issue 20 §2)

Every command now saves the state compacted (app/engine/prune.compact_state: the finished task
history above the cut, finished subprocesses, terminate events; what completed is kept by name
for the diagram); this does the same once for the states stored before, so idle cases shrink
too. The joining gateways of each case's deployment (which keep their history) are read from its
BPMN files. Rows are read and written in batches by case id; a state of ≤ 8 KB is left as it
is, and one that does not get smaller is not written.

Revision ID: 0071
Revises: 0070
"""
import json

from alembic import op
import sqlalchemy as sa

from app.engine.prune import compact_state, join_names_in_xml


revision = '0071'
down_revision = '0070'
branch_labels = None
depends_on = None

BATCH = 500
SMALL = 8192


def _joins(conn, deployment_id, cache: dict) -> frozenset:
    if deployment_id not in cache:
        manifest = conn.execute(sa.text("SELECT manifest FROM deployments WHERE id = :d"),
                                {"d": deployment_id}).scalar()
        if isinstance(manifest, str):
            manifest = json.loads(manifest)
        ids = [file_id for name, file_id in (manifest or {}).items() if name.endswith(".bpmn")]
        texts = [conn.execute(sa.text("SELECT content FROM process_files WHERE id = :i"),
                              {"i": file_id}).scalar() or "" for file_id in ids]
        cache[deployment_id] = join_names_in_xml(*texts)
    return cache[deployment_id]


def upgrade() -> None:
    conn = op.get_bind()
    joins: dict = {}
    last = 0
    while True:
        rows = conn.execute(sa.text(
            "SELECT w.case_id, w.state, c.deployment_id FROM workflow_states w "
            "JOIN cases c ON c.id = w.case_id WHERE w.case_id > :last "
            "ORDER BY w.case_id LIMIT :n"), {"last": last, "n": BATCH}).all()
        last = rows[-1][0] if rows else last
        if not rows:
            break
        for case_id, state, deployment_id in rows:
            if len(state) <= SMALL:
                continue  # compacted already (a compacted case's state is ~6 KB)
            dct = json.loads(state)
            compact_state(dct, _joins(conn, deployment_id, joins))
            compacted = json.dumps(dct, ensure_ascii=False)
            if len(compacted) < len(state):
                conn.execute(sa.text("UPDATE workflow_states SET state = :s WHERE case_id = :c"),
                             {"s": compacted, "c": case_id})


def downgrade() -> None:
    pass  # what was dropped had finished; the trail keeps its history
