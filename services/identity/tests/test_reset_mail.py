"""Password reset emails leave after the reset mailer's transaction commits, exactly once: the consumer queues the
composed message in the shared mail outbox, the mail sender sends it over a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select
from tenantry.events.v1 import envelope_pb2, identity_events_pb2

from services.common.mail_sender import CLAIM_LEASE, MailSender
from services.common.messaging import SUBJECT_PREFIX, Bus, EventConsumer, actor_from_principal, new_envelope
from services.common.nats_server import NatsServer
from services.common.principal import system_principal
from services.common.tests.smtp_inbox import SmtpInbox, running_smtp_inbox
from services.identity.adapters.mail import ResetLinkEmails
from services.identity.events.consume import RESET_MAILER_CONSUMER, PasswordResetMailer
from services.identity.store.tables import mail_outbox, messaging
from services.identity.tests.harness import Identity, anonymous, identity_on

OWNER = "owner@acme.test"


@dataclass
class ResetRequested:
    identity: Identity
    mailer: PasswordResetMailer
    sender: MailSender
    requested: envelope_pb2.Envelope

    @property
    def message_id(self) -> str:
        event = identity_events_pb2.PasswordResetRequested()
        assert self.requested.payload.Unpack(event)
        return f"<reset-{event.reset_id}@tenantry>"

    def consumer(self, bus: Bus | None = None) -> EventConsumer:
        return EventConsumer(
            name=RESET_MAILER_CONSUMER,
            db=self.identity.db,
            tables=messaging,
            bus=bus,  # type: ignore[arg-type]
            producers=["identity"],
            handlers=self.mailer.handlers(),
        )


@pytest.fixture
def smtp_inbox() -> Iterator[SmtpInbox]:
    with running_smtp_inbox() as inbox:
        yield inbox


@pytest.fixture
async def reset_requested(
    database_url: str, principal_keys: tuple[str, str], smtp_inbox: SmtpInbox
) -> AsyncIterator[ResetRequested]:
    emails = ResetLinkEmails(smtp_inbox.mailer(), "https://admin.acme.test/")
    async with identity_on(database_url, principal_keys, reset_links=emails) as identity:
        await identity.owner_account(OWNER)
        await identity.use_cases.credentials.request_reset(anonymous(), OWNER)
        [requested] = await identity.events("identity.password_reset.requested")
        sender = MailSender(identity.db, mail_outbox, smtp_inbox.mailer(), identity.clock)
        yield ResetRequested(
            identity, PasswordResetMailer(identity.use_cases.credentials, identity.store), sender, requested
        )


async def test_a_reset_mail_is_sent_once_when_the_consumers_batch_falls_back_to_one_by_one(
    reset_requested: ResetRequested, nats_server: NatsServer, smtp_inbox: SmtpInbox
) -> None:
    # A password_reset.requested event whose payload is something else: its handler fails, and with it the whole
    # batch, which the consumer then applies again one event at a time.
    broken = new_envelope(
        producer="identity",
        event_type="password_reset.requested",
        organization_id="org-1",
        actor=actor_from_principal(system_principal()),
        payload=identity_events_pb2.SessionStarted(),
        occurred_at=reset_requested.identity.clock.now(),
    )
    bus = Bus(nats_server.url, "identity-test")
    bus.start()
    try:
        await bus.connected.wait()
        await bus.ensure_stream("identity")
        for envelope in (reset_requested.requested, broken):
            await bus.jetstream.publish(f"{SUBJECT_PREFIX}.{envelope.type}", envelope.SerializeToString())
        subscription = await bus.jetstream.pull_subscribe(
            f"{SUBJECT_PREFIX}.identity.>", durable=RESET_MAILER_CONSUMER, stream="TENANTRY_IDENTITY"
        )
        messages = await subscription.fetch(2, timeout=5)
        assert len(messages) == 2
        await reset_requested.consumer(bus).handle_batch(messages)
    finally:
        await bus.close()
    assert smtp_inbox.messages == []  # nothing is sent inside the consumer's transaction
    assert await reset_requested.sender.send_pending() == 1
    assert await reset_requested.sender.send_pending() == 0
    reset_requested.identity.clock.advance(timedelta(hours=1))  # long after any claim would have lapsed
    assert await reset_requested.sender.send_pending() == 0
    [message] = smtp_inbox.messages
    assert message["To"] == OWNER
    assert message["Message-ID"] == reset_requested.message_id
    assert "https://admin.acme.test/reset-password?" in message.get_content()


async def test_no_reset_mail_leaves_while_the_consumers_transaction_is_open(
    reset_requested: ResetRequested, smtp_inbox: SmtpInbox
) -> None:
    async with reset_requested.identity.db.write() as connection:
        await reset_requested.mailer.on_reset_requested(connection, reset_requested.requested)
        assert await connection.scalar(select(mail_outbox.c.message_id)) == reset_requested.message_id
        assert await reset_requested.sender.send_pending() == 0  # the sender sees nothing uncommitted
        assert smtp_inbox.messages == []
    assert await reset_requested.sender.send_pending() == 1
    assert smtp_inbox.message_ids() == [reset_requested.message_id]


async def test_a_reset_mail_the_smtp_server_refuses_is_sent_once_later(
    reset_requested: ResetRequested, smtp_inbox: SmtpInbox
) -> None:
    consumer = reset_requested.consumer()
    assert await consumer.apply(reset_requested.requested, reset_requested.mailer.on_reset_requested)
    smtp_inbox.refuse_next = 1
    assert await reset_requested.sender.send_pending() == 0
    assert smtp_inbox.messages == []
    reset_requested.identity.clock.advance(CLAIM_LEASE)
    assert await reset_requested.sender.send_pending() == 1
    reset_requested.identity.clock.advance(CLAIM_LEASE)
    assert await reset_requested.sender.send_pending() == 0
    assert smtp_inbox.message_ids() == [reset_requested.message_id]
