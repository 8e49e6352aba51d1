"""Invoices are emailed to the billing email printed on them, the PDF attached: a consumer of billing's own
invoice.issued events queues the mail in billing's mail outbox, and the shared mail sender composes it, attaches the
rendered PDF and sends it after commit (the real mailer, writing .eml files to a folder, or talking to a real SMTP
server)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from tenantry.events.v1 import billing_events_pb2, envelope_pb2

from services.billing.domain.invoice_mail import INVOICE_HEADER, InvoiceMailing
from services.billing.domain.subscription import BillingProfile
from services.billing.events.mail import INVOICE_MAILER_CONSUMER, InvoiceMailQueue
from services.billing.render.invoice_pdf import render_invoice_pdf
from services.billing.store.tables import mail_outbox, messaging
from services.billing.tests.harness import OPERATOR, ORG, BillingHarness
from services.billing.tests.test_subscriptions import OWNER, activate
from services.common.mail import Mailer
from services.common.mail_sender import MailSender
from services.common.messaging import SUBJECT_PREFIX, Bus, EventConsumer, actor_from_principal, new_envelope
from services.common.nats_server import NatsServer, free_port
from services.common.principal import system_principal


@dataclass
class SmtpInbox:
    """Messages received by a real SMTP server (aiosmtpd) on a free port."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[attr-defined]
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"


@pytest.fixture
def smtp_inbox() -> Iterator[SmtpInbox]:
    inbox = SmtpInbox(port=free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


async def issued_envelopes(billing: BillingHarness) -> list[envelope_pb2.Envelope]:
    async with billing.db.read() as connection:
        payloads = await connection.scalars(
            select(messaging.outbox.c.payload)
            .where(messaging.outbox.c.subject == "tenantry.billing.invoice.issued")
            .order_by(messaging.outbox.c.created_at)
        )
        return [envelope_pb2.Envelope.FromString(payload) for payload in payloads]


def sent_messages(mail_dir: Path) -> list[EmailMessage]:
    messages = [message_from_bytes(path.read_bytes(), policy=policy.default) for path in mail_dir.glob("*.eml")]
    return [message for message in messages if isinstance(message, EmailMessage)]


def invoice_mailing(billing: BillingHarness, mailer: Mailer) -> InvoiceMailing:
    return InvoiceMailing(billing.store, billing.clock, mailer, render_invoice_pdf)


def mail_sender(billing: BillingHarness, mailer: Mailer, mailing: InvoiceMailing) -> MailSender:
    return MailSender(billing.db, mail_outbox, mailer, billing.clock, complete=mailing.complete)


def mail_consumer(billing: BillingHarness, mailing: InvoiceMailing, bus: Bus | None = None) -> EventConsumer:
    return EventConsumer(
        name=INVOICE_MAILER_CONSUMER,
        db=billing.db,
        tables=messaging,
        bus=bus,  # type: ignore[arg-type]
        producers=["billing"],
        handlers=InvoiceMailQueue(billing.store, mailing).handlers(),
    )


async def deliver_to_mailer(billing: BillingHarness, mail_dir: Path) -> None:
    mailer = Mailer(sender="Tenantry <billing@tenantry.test>", drop_dir=mail_dir)
    mailing = invoice_mailing(billing, mailer)
    consumer = mail_consumer(billing, mailing)
    for envelope in await issued_envelopes(billing):
        await consumer.apply(envelope, consumer._handlers["billing.invoice.issued"])
    await mail_sender(billing, mailer, mailing).send_all()


async def test_each_invoice_is_emailed_to_its_billing_email_with_the_pdf(
    billing: BillingHarness, tmp_path: Path
) -> None:
    await billing.open_organization()
    profile = BillingProfile(legal_name="Acme GmbH", billing_email="Invoices@Acme.test", tax_rate_basis_points=1900)
    await billing.use_cases.subscriptions.update_profile(OPERATOR, ORG, profile)
    await activate(billing)  # the trial ends: the first invoice
    await deliver_to_mailer(billing, tmp_path)
    [invoice] = await billing.use_cases.records.list_invoices(OWNER, ORG)
    [message] = sent_messages(tmp_path)
    assert (message["To"], message["Subject"]) == ("invoices@acme.test", f"Invoice {invoice.number}")
    assert message["Message-ID"] == f"<invoice-{invoice.id}@tenantry>"
    assert message[INVOICE_HEADER] is None  # the queued placeholder's header never leaves
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and f"{invoice.total.format()} (paid)" in body.get_content()
    assert invoice.total.amount == 14280  # 10 seats x 12.00 + 19 %
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"invoice-{invoice.number}.pdf"
    assert attachment.get_content().startswith(b"%PDF-")


async def test_an_invoice_without_a_billing_email_is_not_sent(billing: BillingHarness, tmp_path: Path) -> None:
    await activate(billing)
    await deliver_to_mailer(billing, tmp_path)
    assert len(await issued_envelopes(billing)) == 1
    assert sent_messages(tmp_path) == []


async def test_a_batch_that_falls_back_to_one_by_one_never_sends_an_invoice_twice(
    billing: BillingHarness, nats_server: NatsServer, smtp_inbox: SmtpInbox
) -> None:
    await billing.open_organization()
    profile = BillingProfile(legal_name="Acme GmbH", billing_email="invoices@acme.test")
    await billing.use_cases.subscriptions.update_profile(OPERATOR, ORG, profile)
    await activate(billing)
    [issued] = await issued_envelopes(billing)
    # An invoice.issued event whose payload is something else: its handler fails, and with it the whole batch,
    # which the consumer then applies again one event at a time.
    broken = new_envelope(
        producer="billing",
        event_type="invoice.issued",
        organization_id=ORG,
        actor=actor_from_principal(system_principal()),
        payload=billing_events_pb2.SeatReleased(organization_id=ORG, member_id="m-1"),
        occurred_at=billing.clock.now(),
    )
    bus = Bus(nats_server.url, "billing-test")
    bus.start()
    try:
        await bus.connected.wait()
        await bus.ensure_stream("billing")
        for envelope in (issued, broken):
            await bus.jetstream.publish(f"{SUBJECT_PREFIX}.{envelope.type}", envelope.SerializeToString())
        smtp = Mailer(sender="Tenantry <billing@tenantry.test>", smtp_host="127.0.0.1", smtp_port=smtp_inbox.port)
        mailing = invoice_mailing(billing, smtp)
        sender = mail_sender(billing, smtp, mailing)
        consumer = mail_consumer(billing, mailing, bus)
        subscription = await bus.jetstream.pull_subscribe(
            f"{SUBJECT_PREFIX}.billing.>", durable=INVOICE_MAILER_CONSUMER, stream="TENANTRY_BILLING"
        )
        messages = await subscription.fetch(2, timeout=5)
        assert len(messages) == 2
        await consumer.handle_batch(messages)
        assert smtp_inbox.messages == []  # nothing is sent inside the consumer's transaction
        assert await sender.send_pending() == 1
        assert await sender.send_pending() == 0
        billing.clock.advance(timedelta(hours=1))  # long after any claim would have lapsed
        assert await sender.send_pending() == 0
    finally:
        await bus.close()
    [message] = smtp_inbox.messages
    assert message["To"] == "invoices@acme.test"
    assert message["Message-ID"] == f"<invoice-{issued.target.id}@tenantry>"
