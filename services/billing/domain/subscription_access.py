"""What every subscription use case starts from: the plan of a subscription, its row locked for a change, its seats
in use, and a change written with its event under that lock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from services.billing.domain.catalogue import Catalogue, Plan
from services.billing.domain.events import SubscriptionChanged
from services.billing.domain.model import SeatUsage, hold_cutoff, usage_from_counts
from services.billing.domain.ports import BillingStore, BillingTransaction
from services.billing.domain.subscription import CANCELED, Subscription
from services.common.clock import Clock
from services.common.errors import FailedPrecondition, NotFound
from services.common.principal import Principal


class SubscriptionAccess:
    def __init__(self, store: BillingStore, clock: Clock, catalogue: Catalogue):
        self.store = store
        self.clock = clock
        self.catalogue = catalogue

    def plan_of(self, subscription: Subscription) -> Plan:
        plan = self.catalogue.plan(subscription.plan_id)
        if plan is None:
            raise FailedPrecondition(
                f"The plan {subscription.plan_id!r} is no longer in the catalogue.", reason="UNKNOWN_PLAN"
            )
        return plan

    def next_plan_of(self, subscription: Subscription) -> Plan | None:
        """The plan a scheduled change moves to at the next renewal, if one is scheduled."""
        if subscription.plan_at_renewal is None:
            return None
        return self.plan_of(replace(subscription, plan_id=subscription.plan_at_renewal))

    async def locked(self, tx: BillingTransaction, organization_id: str) -> Subscription:
        subscription = await tx.lock_subscription(organization_id)
        if subscription is None:
            raise NotFound("No subscription for this organization.")
        return subscription

    async def seat_usage(self, tx: BillingTransaction, subscription: Subscription) -> SeatUsage:
        counts = await tx.seat_counts(subscription.organization_id, hold_cutoff(self.clock.now()))
        return usage_from_counts(subscription, counts)

    async def change(
        self,
        principal: Principal,
        organization_id: str,
        change: str,
        apply: Callable[[Subscription], Subscription],
    ) -> Subscription:
        """Apply a change to the locked subscription and record it as `change`; nothing is written when the
        change leaves the subscription as it was."""
        now = self.clock.now()
        async with self.store.write() as tx:
            before = await self.locked(tx, organization_id)
            after = apply(before)
            if after == before:
                return before
            after = replace(after, version=before.version + 1)
            await tx.save_subscription(after, now)
            await tx.record_events(SubscriptionChanged(principal, now, change, after, before))
        return after

    async def update(self, principal: Principal, organization_id: str, change: str, **values: object) -> Subscription:
        """Set fields of a subscription that is not canceled."""

        def apply(subscription: Subscription) -> Subscription:
            refuse_if_canceled(subscription)
            return replace(subscription, **values)  # type: ignore[arg-type]

        return await self.change(principal, organization_id, change, apply)


def refuse_if_canceled(subscription: Subscription) -> None:
    if subscription.status == CANCELED:
        raise FailedPrecondition("The subscription is canceled.", reason="SUBSCRIPTION_CANCELED")
