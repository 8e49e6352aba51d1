"""Invitation emails leave after the consumer's transaction commits, exactly once: the mailer consumer queues the
composed message in the shared mail outbox, the mail sender sends it over a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.mail_sender import CLAIM_LEASE, MailSender
from services.common.messaging import SUBJECT_PREFIX, Bus, EventConsumer, actor_from_principal, new_envelope
from services.common.nats_server import NatsServer
from services.common.principal import system_principal
from services.common.tests.smtp_inbox import SmtpInbox, running_smtp_inbox
from services.membership.adapters.invitation_emails import MailerInvitationEmails
from services.membership.domain.invitation_emails import InvitationEmailUseCases
from services.membership.domain.invitations import InvitationUseCases, Invitee
from services.membership.domain.model import Organization
from services.membership.events.consume import MAILER_CONSUMER, InvitationMailer
from services.membership.store.tables import mail_outbox, messaging
from services.membership.tests.support import membership_store, user_with_role

ORG = "org-1"
OWNER = user_with_role("acc-o", "owner", ORG)


@dataclass
class Invited:
    db: Database
    clock: FrozenClock
    mailer: InvitationMailer
    sender: MailSender
    invited: envelope_pb2.Envelope
    invitation_id: str
    woken: list[int]

    def consumer(self, bus: Bus | None = None) -> EventConsumer:
        return EventConsumer(
            name=MAILER_CONSUMER,
            db=self.db,
            tables=messaging,
            bus=bus,  # type: ignore[arg-type]
            producers=["membership"],
            handlers=self.mailer.handlers(),
        )

    async def queued(self) -> list[str]:
        async with self.db.read() as connection:
            return list(await connection.scalars(select(mail_outbox.c.message_id)))


@pytest.fixture
def smtp_inbox() -> Iterator[SmtpInbox]:
    with running_smtp_inbox() as inbox:
        yield inbox


@pytest.fixture
async def invited(database_url: str, smtp_inbox: SmtpInbox) -> AsyncIterator[Invited]:
    clock = FrozenClock(datetime(2026, 3, 1, tzinfo=UTC))
    async with membership_store(database_url, clock) as (store, db):
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", clock.now()))
        await InvitationUseCases(store, clock, invitation_secret="s" * 48).invite_members(
            OWNER, ORG, [Invitee("new@acme.test")]
        )
        async with db.read() as connection:
            payload = await connection.scalar(
                select(messaging.outbox.c.payload).where(
                    messaging.outbox.c.subject == "tenantry.membership.member.invited"
                )
            )
        envelope = envelope_pb2.Envelope.FromString(payload)
        event = membership_events_pb2.MemberInvited()
        envelope.payload.Unpack(event)
        emails = InvitationEmailUseCases(
            MailerInvitationEmails(smtp_inbox.mailer()), clock, "https://admin.acme.test", "s" * 48
        )
        woken: list[int] = []
        mailer = InvitationMailer(emails, store.bind, lambda: woken.append(1))
        sender = MailSender(db, mail_outbox, smtp_inbox.mailer(), clock)
        yield Invited(db, clock, mailer, sender, envelope, event.invitation_id, woken)


async def test_an_invitation_mail_is_sent_once_when_the_consumers_batch_falls_back_to_one_by_one(
    invited: Invited, nats_server: NatsServer, smtp_inbox: SmtpInbox
) -> None:
    # A member.invited event whose payload is something else: its handler fails, and with it the whole batch,
    # which the consumer then applies again one event at a time.
    broken = new_envelope(
        producer="membership",
        event_type="member.invited",
        organization_id=ORG,
        actor=actor_from_principal(system_principal()),
        payload=membership_events_pb2.OrganizationCreated(),
        occurred_at=invited.clock.now(),
    )
    bus = Bus(nats_server.url, "membership-test")
    bus.start()
    try:
        await bus.connected.wait()
        await bus.ensure_stream("membership")
        for envelope in (invited.invited, broken):
            await bus.jetstream.publish(f"{SUBJECT_PREFIX}.{envelope.type}", envelope.SerializeToString())
        subscription = await bus.jetstream.pull_subscribe(
            f"{SUBJECT_PREFIX}.membership.>", durable=MAILER_CONSUMER, stream="TENANTRY_MEMBERSHIP"
        )
        messages = await subscription.fetch(2, timeout=5)
        assert len(messages) == 2
        await invited.consumer(bus).handle_batch(messages)
    finally:
        await bus.close()
    assert smtp_inbox.messages == []  # nothing is sent inside the consumer's transaction
    assert await invited.queued() == [f"<invitation-{invited.invitation_id}-1@tenantry>"]
    assert await invited.sender.send_pending() == 1
    assert await invited.sender.send_pending() == 0
    invited.clock.advance(timedelta(hours=1))  # long after any claim would have lapsed
    assert await invited.sender.send_pending() == 0
    [message] = smtp_inbox.messages
    assert message["To"] == "new@acme.test"
    assert message["Message-ID"] == f"<invitation-{invited.invitation_id}-1@tenantry>"
    assert "accept-invitation?invitation=" in message.get_content()


async def test_no_invitation_mail_leaves_while_the_consumers_transaction_is_open(
    invited: Invited, smtp_inbox: SmtpInbox
) -> None:
    async with invited.db.write() as connection:
        await invited.mailer.on_member_invited(connection, invited.invited)
        queued = await connection.scalar(select(mail_outbox.c.message_id))
        assert queued == f"<invitation-{invited.invitation_id}-1@tenantry>"
        assert invited.woken == [1]
        assert await invited.sender.send_pending() == 0  # the sender sees nothing uncommitted
        assert smtp_inbox.messages == []
    assert await invited.sender.send_pending() == 1
    assert smtp_inbox.message_ids() == [f"<invitation-{invited.invitation_id}-1@tenantry>"]


async def test_an_invitation_mail_the_smtp_server_refuses_is_sent_once_later(
    invited: Invited, smtp_inbox: SmtpInbox
) -> None:
    consumer = invited.consumer()
    assert await consumer.apply(invited.invited, invited.mailer.on_member_invited)
    smtp_inbox.refuse_next = 1
    assert await invited.sender.send_pending() == 0
    invited.clock.advance(CLAIM_LEASE)
    assert await invited.sender.send_pending() == 1
    assert await consumer.apply(invited.invited, invited.mailer.on_member_invited) is False  # a redelivery
    invited.clock.advance(CLAIM_LEASE)
    assert await invited.sender.send_pending() == 0
    assert smtp_inbox.message_ids() == [f"<invitation-{invited.invitation_id}-1@tenantry>"]
