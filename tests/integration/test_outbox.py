"""P1 acknowledgement and P17 notifications go through the outbox; the worker delivers them."""
from __future__ import annotations

from sqlalchemy import select

from app.db.models import Case, OutboxMessage
from app.worker import run_once


class Recorder:
    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append((message.recipient, message.template, message.body))


def test_acknowledgement_and_reply_messages_are_delivered_once(api, rt):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    api.unit_handles(number)
    recorder = Recorder()
    assert run_once(rt, recorder) == 3
    templates = [t for _, t, _ in recorder.sent]
    assert templates == ["acknowledge", "dispatched", "reply"]
    assert all(number in body for _, _, body in recorder.sent)
    assert run_once(rt, recorder) == 0  # nothing is sent twice
    with rt.uow() as uow:
        case = uow.session.scalar(select(Case).where(Case.number == number))
        rows = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).all()
        assert all(row.sent_at is not None and row.attempts == 1 for row in rows)
        assert {row.recipient for row in rows} == {case.contact_phone}
