"""Buying seats and giving them back: more seats now, invoiced prorated and collected at once (free in a trial);
fewer from the next period, which can be called off until then."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from services.billing.domain.authorization import authorize_any
from services.billing.domain.collection import Collection
from services.billing.domain.idempotent_outcomes import remember_outcome, stored_outcome
from services.billing.domain.invoiced_changes import InvoicedChange, collect_issued, replay, save_change
from services.billing.domain.invoices import Invoice, InvoiceDraft, issue_invoice
from services.billing.domain.seat_changes import refuse_unless_charged_as_expected, seat_change
from services.billing.domain.subscription import Subscription
from services.billing.domain.subscription_access import SubscriptionAccess
from services.billing.domain.subscriptions import upcoming_invoice
from services.common.errors import FailedPrecondition, NotFound
from services.common.permissions import BILLING_MANAGE, SEATS_TRUE_UP
from services.common.principal import Principal

CHANGE_SEATS = "ChangeSeats"


@dataclass(frozen=True)
class SeatChangePreview:
    """What a seat change would do, made by nothing: the subscription after it, the prorated charge now (None for
    a reduction or in a trial) and the invoice of the next renewal after it (None when the subscription ends)."""

    after: Subscription
    charge_now: InvoiceDraft | None
    next_invoice: InvoiceDraft | None
    # When the preview was made (the charge's proration counts from it).
    at: datetime


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
        expected_charge_minor: int | None = None,
    ) -> InvoicedChange:
        """More seats now, invoiced prorated and collected at once (free in a trial); fewer from the next period.
        A retry with the same idempotency key answers with the first call's invoice and changes nothing. With
        `expected_charge_minor` (the charge a preview showed), only at that charge."""
        principal.authorize(BILLING_MANAGE, organization_id)
        now = self._access.clock.now()
        invoice: Invoice | None = None
        async with self._access.store.write() as tx:
            before = await self._access.locked(tx, organization_id)
            stored = await stored_outcome(tx, organization_id, CHANGE_SEATS, idempotency_key)
            if stored is not None:
                return await replay(tx, before, stored)
            usage = await self._access.seat_usage(tx, before)
            outcome = seat_change(before, self._access.plan_of(before), seats, usage.in_use, now)
            refuse_unless_charged_as_expected(outcome.charge_now, expected_charge_minor)
            after = outcome.after
            if outcome.charge_now is not None:
                invoice, after = issue_invoice(after, outcome.charge_now, now)
            await remember_outcome(tx, organization_id, CHANGE_SEATS, idempotency_key, invoice)
            if after == before:
                return InvoicedChange(before, None, None)
            after = await save_change(tx, principal, now, outcome.change, before, after, invoice)
        return await collect_issued(self._access.store, self._collection, principal, after, invoice)

    async def preview_seat_change(self, principal: Principal, organization_id: str, seats: int) -> SeatChangePreview:
        """The outcome `change_seats` would have now, by the same rules (and the same refusals), changing nothing."""
        principal.authorize(BILLING_MANAGE, organization_id)
        now = self._access.clock.now()
        async with self._access.store.read() as tx:
            before = await tx.get_subscription(organization_id)
            if before is None:
                raise NotFound("No subscription for this organization.")
            usage = await self._access.seat_usage(tx, before)
        plan = self._access.plan_of(before)
        outcome = seat_change(before, plan, seats, usage.in_use, now)
        next_invoice = upcoming_invoice(self._access, outcome.after, plan, usage.in_use)
        return SeatChangePreview(outcome.after, outcome.charge_now, next_invoice, now)

    async def true_up(
        self, principal: Principal, organization_id: str, max_seats: int, idempotency_key: str = ""
    ) -> tuple[InvoicedChange, bool]:
        """One more seat, invoiced prorated, when none is free and the seats purchased stay within `max_seats`;
        nothing when a seat is free already. Decided under the subscription's lock, so concurrent true-ups never
        go past the cap. FAILED_PRECONDITION reason SEAT_CAP_REACHED beyond it. The change, and whether a seat
        was bought."""
        authorize_any(principal, (BILLING_MANAGE, SEATS_TRUE_UP), organization_id)
        now = self._access.clock.now()
        invoice: Invoice | None = None
        async with self._access.store.write() as tx:
            before = await self._access.locked(tx, organization_id)
            stored = await stored_outcome(tx, organization_id, CHANGE_SEATS, idempotency_key)
            if stored is not None:
                return await replay(tx, before, stored), False
            usage = await self._access.seat_usage(tx, before)
            if usage.in_use < usage.purchased:
                return InvoicedChange(before, None, None), False
            wanted = before.seats_purchased + 1
            if wanted > max_seats:
                raise FailedPrecondition(
                    f"Buying a seat would make {wanted} seats, above the cap of {max_seats} for automatic purchases.",
                    reason="SEAT_CAP_REACHED",
                    metadata={"purchased": str(before.seats_purchased), "max_seats": str(max_seats)},
                )
            outcome = seat_change(before, self._access.plan_of(before), wanted, usage.in_use, now)
            after = outcome.after
            if outcome.charge_now is not None:  # free in a trial
                invoice, after = issue_invoice(after, outcome.charge_now, now)
            await remember_outcome(tx, organization_id, CHANGE_SEATS, idempotency_key, invoice)
            after = await save_change(tx, principal, now, "seats_added", before, after, invoice)
        return await collect_issued(self._access.store, self._collection, principal, after, invoice), True

    async def cancel_seat_reduction(self, principal: Principal, organization_id: str) -> Subscription:
        """Drop a seat reduction scheduled for the next renewal; nothing changes when none is scheduled."""
        principal.authorize(BILLING_MANAGE, organization_id)
        return await self._access.change(
            principal,
            organization_id,
            "seat_reduction_canceled",
            lambda subscription: replace(subscription, seats_at_renewal=None),
        )
