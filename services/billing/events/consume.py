"""Billing's projection of membership: organizations get a subscription, members hold seats."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.events.v1 import envelope_pb2

from services.billing.domain.catalogue import Catalogue
from services.billing.domain.events import InvoiceIssued, SubscriptionChanged
from services.billing.domain.invoices import INVOICE_OPEN, Invoice, invoice_number, renewal_invoice
from services.billing.domain.model import SeatHolder, seat_status
from services.billing.domain.subscription import ACTIVE, open_subscription
from services.billing.store.sql import SqlBillingStore, SqlBillingTransaction
from services.common.clock import Clock
from services.common.ids import new_id
from services.common.member_events import MEMBER_EVENT_TYPES, member_state
from services.common.messaging import EventHandler
from services.common.principal import system_principal

SEATS_CONSUMER = "billing-seats"
PROJECTION_ACTOR = system_principal("billing-seats")


class SeatProjection:
    def __init__(self, store: SqlBillingStore, catalogue: Catalogue, default_seats: int, clock: Clock):
        self._store = store
        self._catalogue = catalogue
        self._default_seats = default_seats
        self._clock = clock

    async def on_organization_created(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        """A new organization subscribes to the default plan (a trial when the plan has one)."""
        now = self._clock.now()
        subscription = open_subscription(
            envelope.organization_id, self._catalogue.default_plan, self._default_seats, now
        )
        first_invoice: Invoice | None = None
        if subscription.status == ACTIVE:
            # No trial: the first period is invoiced now and collected by the renewal worker's next pass.
            first_invoice = Invoice(
                new_id(),
                invoice_number(subscription.organization_id, 1),
                INVOICE_OPEN,
                now,
                renewal_invoice(subscription, self._catalogue.default_plan),
            )
            subscription = replace(subscription, invoices_issued=1, next_payment_attempt_at=now)
        transaction = self._store.bind(connection)
        if not await transaction.insert_subscription_if_absent(subscription, now):
            return
        await transaction.record_events(
            SubscriptionChanged(PROJECTION_ACTOR, now, envelope.request_id, "opened", subscription, subscription)
        )
        if first_invoice is not None:
            await transaction.insert_invoice(first_invoice)
            await transaction.record_events(InvoiceIssued(PROJECTION_ACTOR, now, envelope.request_id, first_invoice))

    async def on_member_changed(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        member = member_state(envelope)
        holder = SeatHolder(
            organization_id=envelope.organization_id,
            member_id=member.member_id,
            status=seat_status(member.status, member.seat_consuming),
            version=member.version,
        )
        transaction = SqlBillingTransaction(connection)
        # Taken in the same order as ReserveSeat (subscription first), so a member's event and a hold for
        # that member never interleave.
        await transaction.lock_subscription(envelope.organization_id)
        await transaction.upsert_seat_holder(holder, self._clock.now())

    def handlers(self) -> dict[str, EventHandler]:
        return {
            "membership.organization.created": self.on_organization_created,
            **dict.fromkeys(MEMBER_EVENT_TYPES, self.on_member_changed),
        }
