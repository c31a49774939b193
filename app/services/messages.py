"""Outgoing messages (P1 acknowledgement, P17 notifications) through a transactional outbox."""
from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy import select

from app.db.models import OutboxMessage

log = logging.getLogger("qisu.messages")

TEMPLATES = {
    "acknowledge": "【企诉】您的诉求已受理，编号 {number}。我们将尽快办理，可随时凭编号查询进度。",
    "direct_reply": "【企诉】您的诉求 {number} 已答复：{direct_reply}",
    "dispatched": "【企诉】您的诉求 {number} 已转交 {unit_name} 办理。",
    "reply": "【企诉】您的诉求 {number} 已办结，答复：{reply_text} 请对办理结果进行评价。",
    "closed": "【企诉】您的诉求 {number} 已结案，感谢您的评价。",
    "urge": "【企诉催办】诉求 {number} 的{clock_label}将于 {due} 到期，请抓紧办理。",
    "overdue": "【企诉督办】诉求 {number} 的{clock_label}已超期（时限 {due}），已转督办。",
    "surge": "【企诉预警】{label} 近 {days} 天诉求 {observed} 件，按基线预期约 {expected:.1f} 件，"
             "明显激增，请关注。",
}


def enqueue(command, template: str, recipient: str | None = None, channel: str = "sms",
            **values) -> OutboxMessage | None:
    """Queue a message to the case's contact (default) or to `recipient` (e.g. `unit:cgj`)."""
    case = command.case
    recipient = recipient or case.contact_phone
    if not recipient:
        return None
    body = TEMPLATES[template].format(number=case.number, **values)
    message = OutboxMessage(case_id=case.id, channel=channel, recipient=recipient,
                            template=template, body=body, created_at=command.now)
    command.writes.insert_objects([message])  # sent with the command's writes (projection.flush)
    return message


class Sender(Protocol):
    def send(self, message: OutboxMessage) -> None: ...


class LogSender:
    """Default sender: writes the message to the log. Replace with an SMS gateway adapter."""

    def send(self, message: OutboxMessage) -> None:
        log.info("SMS to %s: %s", message.recipient, message.body)


def deliver_pending(rt, sender: Sender, limit: int = 100) -> int:
    """Send unsent messages; each is marked sent in its own short transaction."""
    sent = 0
    with rt.uow() as uow:
        query = select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)) \
            .order_by(OutboxMessage.id).limit(limit)
        if uow.session.bind.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        for message in uow.session.scalars(query):
            message.attempts += 1
            sender.send(message)
            message.sent_at = rt.clock.now()
            sent += 1
        if sent:
            uow.commit()
    return sent
