"""The invoice mail queue: a consumer of billing's own `invoice.issued` events that only queues the invoice's mail
in its transaction (domain/invoice_mail.py); the invoice mail worker renders and sends it after commit."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.events.v1 import billing_events_pb2, envelope_pb2

from services.billing.domain.invoice_mail import InvoiceMailing
from services.billing.domain.ports import BillingStore
from services.common.messaging import EventHandler, unpack

INVOICE_MAILER_CONSUMER = "billing-invoice-mailer"


class InvoiceMailQueue:
    def __init__(self, store: BillingStore, mailing: InvoiceMailing, on_queued: Callable[[], None] = lambda: None):
        self._store = store
        self._mailing = mailing
        # Wakes the sender; it also polls, since this runs before the consumer's transaction commits.
        self._on_queued = on_queued

    async def on_invoice_issued(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        event = unpack(envelope, billing_events_pb2.InvoiceIssued)
        assert isinstance(event, billing_events_pb2.InvoiceIssued)
        if await self._mailing.queue(self._store.bind(connection), event.organization_id, event.invoice_id):
            self._on_queued()

    def handlers(self) -> dict[str, EventHandler]:
        return {"billing.invoice.issued": self.on_invoice_issued}
