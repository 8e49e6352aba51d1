"""Buying seats and giving them back: more seats now, invoiced prorated and collected at once (free in a trial);
fewer from the next period, which can be called off until then."""

from __future__ import annotations

from dataclasses import replace

from services.billing.domain.collection import Collection
from services.billing.domain.idempotent_outcomes import remember_outcome, stored_outcome
from services.billing.domain.invoiced_changes import InvoicedChange, collect_issued, replay, save_change
from services.billing.domain.invoices import Invoice, issue_invoice, seats_added_invoice
from services.billing.domain.subscription import TRIALING, Subscription, add_seats, schedule_seat_reduction
from services.billing.domain.subscription_access import SubscriptionAccess
from services.common.permissions import BILLING_MANAGE
from services.common.principal import Principal

CHANGE_SEATS = "ChangeSeats"


class SeatPurchaseUseCases:
    def __init__(self, access: SubscriptionAccess, collection: Collection):
        self._access = access
        self._collection = collection

    async def change_seats(
        self,
        principal: Principal,
        organization_id: str,
        seats: int,
        idempotency_key: str = "",
    ) -> InvoicedChange:
        """More seats now, invoiced prorated and collected at once (free in a trial); fewer from the next period.
        A retry with the same idempotency key answers with the first call's invoice and changes nothing."""
        principal.authorize(BILLING_MANAGE, organization_id)
        now = self._access.clock.now()
        invoice: Invoice | None = None
        async with self._access.store.write() as tx:
            before = await self._access.locked(tx, organization_id)
            stored = await stored_outcome(tx, organization_id, CHANGE_SEATS, idempotency_key)
            if stored is not None:
                return await replay(tx, before, stored)
            plan = self._access.plan_of(before)
            if seats > before.seats_purchased:
                after, change = add_seats(before, plan, seats), "seats_added"
                if before.status != TRIALING:
                    draft = seats_added_invoice(before, plan, seats - before.seats_purchased, now)
                    invoice, after = issue_invoice(after, draft, now)
            else:
                usage = await self._access.seat_usage(tx, before)
                after = schedule_seat_reduction(before, plan, seats, usage.in_use)
                change = "seat_reduction_scheduled"
            await remember_outcome(tx, organization_id, CHANGE_SEATS, idempotency_key, invoice)
            if after == before:
                return InvoicedChange(before, None, None)
            after = await save_change(tx, principal, now, change, before, after, invoice)
        return await collect_issued(self._access.store, self._collection, principal, after, invoice)

    async def cancel_seat_reduction(self, principal: Principal, organization_id: str) -> Subscription:
        """Drop a seat reduction scheduled for the next renewal; nothing changes when none is scheduled."""
        principal.authorize(BILLING_MANAGE, organization_id)
        return await self._access.change(
            principal,
            organization_id,
            "seat_reduction_canceled",
            lambda subscription: replace(subscription, seats_at_renewal=None),
        )
