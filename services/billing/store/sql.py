"""Billing's queries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.billing.domain.model import SeatHolder, Subscription
from services.billing.store.tables import seat_holders, subscriptions
from services.common.db import Database
from services.common.projections import upsert_if_newer


class SqlBillingTransaction:
    def __init__(self, connection: AsyncConnection):
        self.connection = connection

    async def get_subscription(self, organization_id: str) -> Subscription | None:
        row = (
            await self.connection.execute(
                select(subscriptions).where(subscriptions.c.organization_id == organization_id)
            )
        ).first()
        return Subscription(row.organization_id, row.seats_purchased, row.created_at) if row else None

    async def ensure_subscription(self, subscription: Subscription) -> None:
        if await self.get_subscription(subscription.organization_id) is None:
            await self.connection.execute(
                insert(subscriptions).values(
                    organization_id=subscription.organization_id,
                    seats_purchased=subscription.seats_purchased,
                    created_at=subscription.created_at,
                    updated_at=subscription.created_at,
                    version=1,
                )
            )

    async def seat_counts(self, organization_id: str) -> dict[str, int]:
        rows = await self.connection.execute(
            select(seat_holders.c.status, func.count())
            .where(seat_holders.c.organization_id == organization_id)
            .group_by(seat_holders.c.status)
        )
        return {status: count for status, count in rows}

    async def upsert_seat_holder(self, holder: SeatHolder, updated_at: datetime) -> bool:
        return await upsert_if_newer(
            self.connection,
            seat_holders,
            {"organization_id": holder.organization_id, "member_id": holder.member_id},
            {"status": holder.status, "updated_at": updated_at},
            holder.version,
        )


class SqlBillingStore:
    def __init__(self, db: Database):
        self._db = db

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlBillingTransaction]:
        async with self._db.read() as connection:
            yield SqlBillingTransaction(connection)
