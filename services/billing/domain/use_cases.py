"""Billing's use cases."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

from services.billing.domain.model import SeatHolder, SeatUsage, Subscription
from services.common.errors import NotFound
from services.common.principal import Principal

BILLING_READ = "billing.read"


class BillingTransaction(Protocol):
    async def get_subscription(self, organization_id: str) -> Subscription | None: ...
    async def ensure_subscription(self, subscription: Subscription) -> None: ...
    async def seat_counts(self, organization_id: str) -> dict[str, int]: ...
    async def upsert_seat_holder(self, holder: SeatHolder, updated_at: datetime) -> bool: ...


class BillingStore(Protocol):
    def read(self) -> AbstractAsyncContextManager[BillingTransaction]: ...


class BillingUseCases:
    def __init__(self, store: BillingStore):
        self._store = store

    async def seat_usage(self, principal: Principal, organization_id: str) -> SeatUsage:
        principal.authorize(BILLING_READ, organization_id)
        async with self._store.read() as tx:
            subscription = await tx.get_subscription(organization_id)
            if subscription is None:
                raise NotFound("No subscription for this organization.")
            counts = await tx.seat_counts(organization_id)
        return SeatUsage(
            organization_id=organization_id,
            purchased=subscription.seats_purchased,
            active=counts.get("active", 0),
            invited=counts.get("invited", 0),
        )
