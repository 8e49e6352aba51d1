"""Invoices are emailed to the billing email printed on them, the PDF attached, by a consumer of billing's own
invoice.issued events (the real mailer, writing .eml files to a folder)."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select
from tenantry.events.v1 import envelope_pb2

from services.billing.domain.subscription import BillingProfile
from services.billing.events.mail import INVOICE_MAILER_CONSUMER, InvoiceMailer
from services.billing.store.tables import messaging
from services.billing.tests.harness import OPERATOR, ORG, BillingHarness
from services.billing.tests.test_subscriptions import OWNER, activate
from services.common.mail import Mailer
from services.common.messaging import EventConsumer


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


async def deliver_to_mailer(billing: BillingHarness, mail_dir: Path) -> None:
    mailer = InvoiceMailer(Mailer(sender="Tenantry <billing@tenantry.test>", drop_dir=mail_dir), billing.store)
    consumer = EventConsumer(
        name=INVOICE_MAILER_CONSUMER,
        db=billing.db,
        tables=messaging,
        bus=None,  # type: ignore[arg-type]
        producers=[],
        handlers=mailer.handlers(),
    )
    for envelope in await issued_envelopes(billing):
        await consumer.apply(envelope, mailer.handlers()["billing.invoice.issued"])


async def test_each_invoice_is_emailed_to_its_billing_email_with_the_pdf(
    billing: BillingHarness, tmp_path: Path
) -> None:
    await billing.open_organization()
    profile = BillingProfile(legal_name="Acme GmbH", billing_email="Invoices@Acme.test", tax_rate_basis_points=1900)
    await billing.subscriptions.update_profile(OPERATOR, ORG, profile)
    await activate(billing)  # the trial ends: the first invoice
    await deliver_to_mailer(billing, tmp_path)
    [invoice] = await billing.subscriptions.list_invoices(OWNER, ORG)
    [message] = sent_messages(tmp_path)
    assert (message["To"], message["Subject"]) == ("invoices@acme.test", f"Invoice {invoice.number}")
    assert message["Message-ID"] == f"<invoice-{invoice.id}@tenantry>"
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
