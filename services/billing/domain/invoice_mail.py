"""Invoices emailed to the billing email printed on them, with the PDF attached: queued in the transaction that
consumes billing's own invoice.issued event, rendered and sent only after it commits, and marked sent.

A consumer's transaction can be rolled back and replayed (a batch that fails is applied again one event at a time),
so nothing in it may have an effect outside the database: queuing is idempotent per invoice, and sending happens
in a transaction of its own. Each mail is claimed before it is sent, so two senders never send the same one; a
sender that dies between sending and marking sends it again once the claim lapses, with the same Message-ID (one
per invoice), which receiving systems recognise."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from services.billing.domain.invoices import INVOICE_PAID, Invoice
from services.billing.domain.ports import (
    BillingStore,
    BillingTransaction,
    InvoiceRenderer,
    MailTransport,
    PendingMail,
)
from services.common.clock import Clock

log = logging.getLogger(__name__)

# Longer than any SMTP exchange takes (the transport times out after 15 s); a failed send is retried after it.
CLAIM_LEASE = timedelta(minutes=2)
MAX_SEND_ATTEMPTS = 10
SEND_BATCH = 20


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
    def __init__(self, store: BillingStore, clock: Clock, transport: MailTransport, render: InvoiceRenderer):
        self._store = store
        self._clock = clock
        self._transport = transport
        self._render = render

    async def queue(self, tx: BillingTransaction, organization_id: str, invoice_id: str) -> bool:
        """In the caller's transaction: queue the invoice's mail when it has a billing email (True if it has)."""
        invoice = await tx.get_invoice(organization_id, invoice_id)
        if invoice is None or not invoice.draft.profile.billing_email:
            return False  # no billing email on the invoice: nobody to send it to
        await tx.queue_invoice_mail(organization_id, invoice_id, self._clock.now())
        return True

    async def send_pending(self, limit: int = SEND_BATCH) -> int:
        """Send the queued mails no other sender holds; returns how many were sent."""
        now = self._clock.now()
        async with self._store.read() as tx:
            if not await tx.invoice_mails_due(now, MAX_SEND_ATTEMPTS):
                return 0
        async with self._store.write() as tx:
            claimed = await tx.claim_invoice_mails(now, now + CLAIM_LEASE, limit, MAX_SEND_ATTEMPTS)
        sent = 0
        for mail in claimed:
            try:
                await self._send(mail)
            except Exception:
                # Left claimed: retried when the claim lapses, up to MAX_SEND_ATTEMPTS times.
                log.exception("invoice mail not sent", extra={"invoice_id": mail.invoice_id, "attempt": mail.attempts})
                continue
            async with self._store.write() as tx:
                await tx.mark_invoice_mail_sent(mail.invoice_id, self._clock.now())
            sent += 1
        return sent

    async def _send(self, mail: PendingMail) -> None:
        async with self._store.read() as tx:
            invoice = await tx.get_invoice(mail.organization_id, mail.invoice_id)
        if invoice is None:
            return
        message = self._transport.compose(
            to=invoice.draft.profile.billing_email,
            subject=f"Invoice {invoice.number}",
            text=invoice_email_text(invoice),
            message_id=f"invoice-{invoice.id}",
        )
        pdf = await asyncio.to_thread(self._render, invoice)  # CPU-bound: off the event loop
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"invoice-{invoice.number}.pdf")
        await self._transport.send(message)
