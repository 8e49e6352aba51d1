"""The shared mail outbox: a mail queued in a transaction is sent after it commits, once, through a real SMTP
server (or as an .eml file when no SMTP host is set), retried when sending fails, never by two senders at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.mail import Mailer
from services.common.mail_outbox import mail_outbox_table, queue_mail
from services.common.mail_sender import CLAIM_LEASE, SENT_RETENTION, MailSender
from services.common.tests.smtp_inbox import SmtpInbox, running_smtp_inbox

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
METADATA = MetaData()
MAIL_OUTBOX = mail_outbox_table(METADATA)


@pytest.fixture
def smtp_inbox() -> Iterator[SmtpInbox]:
    with running_smtp_inbox() as inbox:
        yield inbox


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    async with database.engine.begin() as connection:
        await connection.run_sync(METADATA.create_all)
    yield database
    await database.dispose()


async def queue(connection: AsyncConnection, mailer: Mailer, *names: str) -> None:
    for name in names:
        message = mailer.compose(to=f"{name}@acme.test", subject=f"Hello {name}", text="Hi.\n", message_id=f"t-{name}")
        await queue_mail(connection, MAIL_OUTBOX, message, NOW)


async def queued_rows(db: Database, table: Table = MAIL_OUTBOX) -> list[str]:
    async with db.read() as connection:
        return list(await connection.scalars(select(table.c.message_id).where(table.c.sent_at.is_(None))))


async def test_a_queued_mail_is_sent_only_after_its_transaction_commits(db: Database, smtp_inbox: SmtpInbox) -> None:
    clock = FrozenClock(NOW)
    sender = MailSender(db, MAIL_OUTBOX, smtp_inbox.mailer(), clock)
    async with db.write() as connection:
        await queue(connection, smtp_inbox.mailer(), "ada")
        queued = await connection.scalar(select(MAIL_OUTBOX.c.message_id))
        assert queued == "<t-ada@tenantry>"
        # A sender's pass while the transaction is open sees nothing to send, and sends nothing.
        assert await asyncio.wait_for(sender.send_pending(), timeout=5) == 0
        assert smtp_inbox.messages == []
    assert await sender.send_pending() == 1
    assert smtp_inbox.message_ids() == ["<t-ada@tenantry>"]
    assert smtp_inbox.messages[0]["To"] == "ada@acme.test"
    assert await sender.send_pending() == 0
    clock.advance(timedelta(hours=1))
    assert await sender.send_pending() == 0
    assert len(smtp_inbox.messages) == 1


async def test_queuing_the_same_message_again_queues_it_once(db: Database, smtp_inbox: SmtpInbox) -> None:
    for _ in range(2):
        async with db.write() as connection:
            await queue(connection, smtp_inbox.mailer(), "ada")
    assert await queued_rows(db) == ["<t-ada@tenantry>"]
    assert await MailSender(db, MAIL_OUTBOX, smtp_inbox.mailer(), FrozenClock(NOW)).send_all() == 1
    assert len(smtp_inbox.messages) == 1


async def test_a_mail_the_smtp_server_refuses_is_retried_after_its_claim_lapses_and_delivered_once(
    db: Database, smtp_inbox: SmtpInbox
) -> None:
    clock = FrozenClock(NOW)
    sender = MailSender(db, MAIL_OUTBOX, smtp_inbox.mailer(), clock)
    async with db.write() as connection:
        await queue(connection, smtp_inbox.mailer(), "ada")
    smtp_inbox.refuse_next = 1
    assert await sender.send_pending() == 0
    assert smtp_inbox.messages == []
    assert await sender.send_pending() == 0  # still claimed by the failed attempt
    clock.advance(CLAIM_LEASE)
    assert await sender.send_pending() == 1
    clock.advance(CLAIM_LEASE)
    assert await sender.send_pending() == 0
    assert smtp_inbox.message_ids() == ["<t-ada@tenantry>"]


async def test_a_mail_is_given_up_on_after_its_last_attempt(db: Database, smtp_inbox: SmtpInbox) -> None:
    clock = FrozenClock(NOW)
    sender = MailSender(db, MAIL_OUTBOX, smtp_inbox.mailer(), clock, max_attempts=2)
    async with db.write() as connection:
        await queue(connection, smtp_inbox.mailer(), "ada")
    smtp_inbox.refuse_next = 2
    for _ in range(3):
        assert await sender.send_pending() == 0
        clock.advance(CLAIM_LEASE)
    assert smtp_inbox.messages == []
    async with db.read() as connection:
        assert await connection.scalar(select(MAIL_OUTBOX.c.attempts)) == 2


async def test_two_senders_never_send_the_same_mail(db: Database, database_url: str, smtp_inbox: SmtpInbox) -> None:
    names = [f"person{number}" for number in range(30)]
    async with db.write() as connection:
        await queue(connection, smtp_inbox.mailer(), *names)
    replica = Database(database_url)  # a second process's own connections
    try:
        senders = [
            MailSender(database, MAIL_OUTBOX, smtp_inbox.mailer(), FrozenClock(NOW)) for database in (db, replica)
        ]
        sent = await asyncio.gather(*(sender.send_pending(limit=5) for sender in senders * 3))
    finally:
        await replica.dispose()
    assert sum(sent) == len(smtp_inbox.messages) == len(names)
    assert sorted(smtp_inbox.message_ids()) == sorted(f"<t-{name}@tenantry>" for name in names)


async def test_without_an_smtp_host_the_mail_is_written_as_an_eml_file(db: Database, tmp_path: Path) -> None:
    mailer = Mailer(sender="Tenantry <noreply@tenantry.test>", drop_dir=tmp_path / "mail")
    async with db.write() as connection:
        await queue(connection, mailer, "ada")
    assert await MailSender(db, MAIL_OUTBOX, mailer, FrozenClock(NOW)).send_all() == 1
    [written] = (tmp_path / "mail").glob("*.eml")
    message = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert (message["Message-ID"], message["To"]) == ("<t-ada@tenantry>", "ada@acme.test")


async def test_sent_mails_are_deleted_a_week_after_they_were_sent(db: Database, smtp_inbox: SmtpInbox) -> None:
    clock = FrozenClock(NOW)
    sender = MailSender(db, MAIL_OUTBOX, smtp_inbox.mailer(), clock)
    async with db.write() as connection:
        await queue(connection, smtp_inbox.mailer(), "ada")
    assert await sender.send_all() == 1
    clock.advance(SENT_RETENTION + timedelta(minutes=1))
    async with db.write() as connection:
        await queue(connection, smtp_inbox.mailer(), "bob")
    assert await sender.send_all() == 1
    async with db.read() as connection:
        assert list(await connection.scalars(select(MAIL_OUTBOX.c.message_id))) == ["<t-bob@tenantry>"]
    assert smtp_inbox.message_ids() == ["<t-ada@tenantry>", "<t-bob@tenantry>"]
