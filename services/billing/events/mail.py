"""Invoices emailed to the billing email: a consumer of billing's own `invoice.issued` events renders the invoice
as a PDF and sends it, attached, to the billing email printed on that invoice. A redelivered event sends the
same message again with the same Message-ID (one per invoice), which receiving systems recognise."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.events.v1 import billing_events_pb2, envelope_pb2

from services.billing.api.invoice_pdf import render_invoice_pdf
from services.billing.domain.invoices import Invoice
from services.billing.store.sql import SqlBillingStore
from services.common.mail import Mailer
from services.common.messaging import EventHandler, unpack

INVOICE_MAILER_CONSUMER = "billing-invoice-mailer"


def invoice_email_text(invoice: Invoice) -> str:
    draft = invoice.draft
    name = draft.profile.legal_name or "Hello"
    return (
        f"{name},\n\n"
        f"attached is invoice {invoice.number} of {invoice.issued_at:%Y-%m-%d} for "
        f"{draft.period_start:%Y-%m-%d} to {draft.period_end:%Y-%m-%d}: {draft.total.format()} "
        f"({'paid' if invoice.status == 'paid' else 'to be paid'}).\n\n"
        "The invoices of your organization are also in the billing section of the portal.\n"
    )


class InvoiceMailer:
    def __init__(self, mailer: Mailer, store: SqlBillingStore):
        self._mailer = mailer
        self._store = store

    async def on_invoice_issued(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        event = unpack(envelope, billing_events_pb2.InvoiceIssued)
        assert isinstance(event, billing_events_pb2.InvoiceIssued)
        invoice = await self._store.bind(connection).get_invoice(event.organization_id, event.invoice_id)
        if invoice is None or not invoice.draft.profile.billing_email:
            return  # no billing email on the invoice: nobody to send it to
        message = self._mailer.compose(
            to=invoice.draft.profile.billing_email,
            subject=f"Invoice {invoice.number}",
            text=invoice_email_text(invoice),
            message_id=f"invoice-{invoice.id}",
        )
        pdf = await asyncio.to_thread(render_invoice_pdf, invoice)  # CPU-bound: off the event loop
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"invoice-{invoice.number}.pdf")
        await self._mailer.send(message)

    def handlers(self) -> dict[str, EventHandler]:
        return {"billing.invoice.issued": self.on_invoice_issued}
