"""Invoices emailed to the billing email printed on them, with the PDF attached, through billing's mail outbox
(services/common/mail_outbox.py): queued in the transaction that consumes billing's own invoice.issued event, and
composed, rendered and sent only after it commits, by the mail sender (services/common/mail_sender.py).

A consumer's transaction can be rolled back and replayed (a batch that fails is applied again one event at a time),
so nothing in it may have an effect outside the database, and rendering a PDF there would hold the write lock:
the queued message is a placeholder naming the invoice, one per invoice (its Message-ID), and `complete` turns it
into the mail with its PDF when the sender claims it. A sender that dies between sending and marking sends it again
once the claim lapses, with the same Message-ID, which receiving systems recognise."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage

from services.billing.domain.invoices import INVOICE_PAID, Invoice
from services.billing.domain.ports import BillingStore, BillingTransaction, InvoiceRenderer, MailComposer
from services.common.clock import Clock

# Names the invoice a queued placeholder stands for ("<organization id> <invoice id>"); never sent.
INVOICE_HEADER = "X-Tenantry-Invoice"


def invoice_message_id(invoice_id: str) -> str:
    return f"invoice-{invoice_id}"


def invoice_placeholder(organization_id: str, invoice_id: str, recipient: str) -> EmailMessage:
    """What is queued for an invoice's mail: its Message-ID, recipient and the invoice it stands for."""
    message = EmailMessage()
    message["To"] = recipient
    message["Message-ID"] = f"<{invoice_message_id(invoice_id)}@tenantry>"
    message[INVOICE_HEADER] = f"{organization_id} {invoice_id}"
    return message


def invoice_email_text(invoice: Invoice) -> str:
    draft = invoice.draft
    name = draft.profile.legal_name or "Hello"
    return (
        f"{name},\n\n"
        f"attached is invoice {invoice.number} of {invoice.issued_at:%Y-%m-%d} for "
        f"{draft.period_start:%Y-%m-%d} to {draft.period_end:%Y-%m-%d}: {draft.total.format()} "
        f"({'paid' if invoice.status == INVOICE_PAID else 'to be paid'}).\n\n"
        "The invoices of your organization are also in the billing section of the portal.\n"
    )


class InvoiceMailing:
    def __init__(self, store: BillingStore, clock: Clock, composer: MailComposer, render: InvoiceRenderer):
        self._store = store
        self._clock = clock
        self._composer = composer
        self._render = render

    async def queue(self, tx: BillingTransaction, organization_id: str, invoice_id: str) -> bool:
        """In the caller's transaction: queue the invoice's mail when it has a billing email (True if it has)."""
        invoice = await tx.get_invoice(organization_id, invoice_id)
        if invoice is None or not invoice.draft.profile.billing_email:
            return False  # no billing email on the invoice: nobody to send it to
        placeholder = invoice_placeholder(organization_id, invoice_id, invoice.draft.profile.billing_email)
        await tx.queue_mail(placeholder, self._clock.now())
        return True

    async def complete(self, message: EmailMessage) -> EmailMessage:
        """The mail sender's completion: an invoice's placeholder becomes its mail, the PDF attached (rendered
        off the event loop, after the queuing transaction committed). Other messages pass unchanged."""
        named = message[INVOICE_HEADER]
        if not named:
            return message
        organization_id, _, invoice_id = str(named).partition(" ")
        async with self._store.read() as tx:
            invoice = await tx.get_invoice(organization_id, invoice_id)
        if invoice is None:
            raise LookupError(f"invoice {invoice_id} of {organization_id} is gone")  # retried, then given up
        mail = self._composer.compose(
            to=invoice.draft.profile.billing_email,
            subject=f"Invoice {invoice.number}",
            text=invoice_email_text(invoice),
            message_id=invoice_message_id(invoice.id),
        )
        pdf = await asyncio.to_thread(self._render, invoice)  # CPU-bound: off the event loop
        mail.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"invoice-{invoice.number}.pdf")
        return mail
