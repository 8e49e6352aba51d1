"""Opening an organization's subscription: on the catalogue's default plan, a trial when the plan has one, else an
active first period invoiced at once. Done when membership's organization.created arrives, or by the first
ReserveSeat if that comes first (the order of a new organization's first invitation and that event is not
guaranteed); whichever is second finds the subscription there and changes nothing."""

from __future__ import annotations

from dataclasses import replace

from services.billing.domain.catalogue import Catalogue
from services.billing.domain.events import InvoiceIssued, SubscriptionChanged
from services.billing.domain.invoices import Invoice, issue_invoice, renewal_invoice
from services.billing.domain.ports import BillingTransaction
from services.billing.domain.subscription import ACTIVE, open_subscription
from services.common.clock import Clock
from services.common.principal import Principal


class SubscriptionOpener:
    def __init__(self, catalogue: Catalogue, default_seats: int, clock: Clock):
        self._catalogue = catalogue
        self._default_seats = default_seats
        self._clock = clock

    async def open_if_absent(self, tx: BillingTransaction, organization_id: str, actor: Principal) -> bool:
        """Open the subscription unless the organization has one; True if this call opened it."""
        now = self._clock.now()
        plan = self._catalogue.default_plan
        subscription = open_subscription(organization_id, plan, self._default_seats, now)
        first_invoice: Invoice | None = None
        if subscription.status == ACTIVE:
            # No trial: the first period is invoiced now and collected by the renewal worker's next pass.
            first_invoice, subscription = issue_invoice(subscription, renewal_invoice(subscription, plan), now)
            subscription = replace(subscription, next_payment_attempt_at=now)
        if not await tx.insert_subscription_if_absent(subscription, now):
            return False
        await tx.record_events(SubscriptionChanged(actor, now, "opened", subscription, subscription))
        if first_invoice is not None:
            await tx.insert_invoice(first_invoice)
            await tx.record_events(InvoiceIssued(actor, now, first_invoice))
        return True
