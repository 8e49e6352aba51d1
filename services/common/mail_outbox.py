"""The mail outbox: mails composed inside a transaction (an event consumer's, which can be rolled back and
replayed) are queued there as rows, and sent only after that transaction commits, by the mail sender
(services/common/mail_sender.py), which claims each for a while so two replicas never send the same at once. A
service may queue a placeholder its sender's completion hook turns into the mail at send time (billing: the invoice
mail, whose PDF is rendered after commit).

Each service keeps the table in its own database (`mail_outbox_table(metadata)`); the statements below run on
the connection of the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

from sqlalchemy import ColumnElement, MetaData, Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.projections import insert_new
from services.common.tables import core_table, mail_outbox_model, model_base


def mail_outbox_table(metadata: MetaData) -> Table:
    """The mail outbox a service keeps in its own database."""
    return core_table(mail_outbox_model(model_base(metadata)))


@dataclass(frozen=True)
class QueuedMail:
    message_id: str
    message: bytes
    attempts: int  # including the one this claim is for

    def email(self) -> EmailMessage:
        parsed = message_from_bytes(self.message, policy=policy.default)
        assert isinstance(parsed, EmailMessage)  # the default policy parses into EmailMessage
        return parsed


async def queue_mail(connection: AsyncConnection, table: Table, message: EmailMessage, now: datetime) -> None:
    """Queue a composed message in the caller's transaction, once per Message-ID: queuing the same message
    again (a replayed event) changes nothing."""
    message_id = message["Message-ID"]
    if not message_id:
        raise ValueError("a queued mail needs a Message-ID (it is its key)")
    values = {
        "message_id": str(message_id),
        "recipient": str(message["To"] or ""),
        "message": bytes(message),
        "queued_at": now,
        "attempts": 0,
    }
    await insert_new(connection, table, values)


def _due(table: Table, now: datetime, max_attempts: int) -> tuple[ColumnElement[bool], ...]:
    """Unsent, not given up on, and held by no sender (or by one whose hold has lapsed)."""
    return (
        table.c.sent_at.is_(None),
        table.c.attempts < max_attempts,
        table.c.claimed_until.is_(None) | (table.c.claimed_until <= now),
    )


async def mails_due(connection: AsyncConnection, table: Table, now: datetime, max_attempts: int) -> bool:
    """Whether any mail waits for a sender (checked before claiming, so an idle pass takes no write lock)."""
    due = await connection.scalar(select(table.c.message_id).where(*_due(table, now, max_attempts)).limit(1))
    return due is not None


async def claim_mails(
    connection: AsyncConnection, table: Table, now: datetime, lease_until: datetime, limit: int, max_attempts: int
) -> list[QueuedMail]:
    """Due mails, oldest first, now held until `lease_until` (one attempt more each). Rows another transaction
    holds locked are skipped (PostgreSQL); SQLite writers exclude each other."""
    rows = (
        await connection.execute(
            select(table.c.message_id, table.c.message, table.c.attempts)
            .where(*_due(table, now, max_attempts))
            .order_by(table.c.queued_at, table.c.message_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    if not rows:
        return []
    await connection.execute(
        update(table)
        .where(table.c.message_id.in_([row.message_id for row in rows]))
        .values(claimed_until=lease_until, attempts=table.c.attempts + 1)
    )
    return [QueuedMail(row.message_id, row.message, row.attempts + 1) for row in rows]


async def mark_mails_sent(connection: AsyncConnection, table: Table, message_ids: list[str], now: datetime) -> None:
    """Mark mails sent, a claimed batch in one statement."""
    if message_ids:
        await connection.execute(
            update(table).where(table.c.message_id.in_(message_ids)).values(sent_at=now, claimed_until=None)
        )


async def prune_sent_mails(connection: AsyncConnection, table: Table, sent_before: datetime, limit: int) -> int:
    """Delete up to `limit` mails sent before `sent_before`; returns how many went."""
    expired = select(table.c.message_id).where(table.c.sent_at < sent_before).limit(limit)
    result = await connection.execute(delete(table).where(table.c.message_id.in_(expired)))
    return result.rowcount


class MailOutboxQueries:
    """Mixed into a service's transaction (whose `connection` it uses): queue a mail that is sent after the
    transaction commits. The service names its table in `mail_outbox`."""

    connection: AsyncConnection
    mail_outbox: Table | None = None

    async def queue_mail(self, message: EmailMessage, now: datetime) -> None:
        if self.mail_outbox is None:
            raise RuntimeError(f"{type(self).__name__} has no mail outbox")
        await queue_mail(self.connection, self.mail_outbox, message, now)
