"""Billing's queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import and_, delete, func, insert, or_, select, update
from tenantry.events.v1 import envelope_pb2

from services.billing.domain.model import (
    SEAT_ACTIVE,
    SEAT_INVITED,
    SEAT_RESERVED,
    SeatHolder,
    StoredSeatHolder,
    Subscription,
)
from services.billing.store.tables import idempotency_keys, seat_holders, subscriptions
from services.common.clock import Clock
from services.common.db import Database
from services.common.domain import DomainEvent
from services.common.messaging import Outbox
from services.common.projections import upsert_if_newer
from services.common.store import OutboxStore, OutboxTransaction


class SqlBillingTransaction(OutboxTransaction):
    idempotency_keys = idempotency_keys

    async def get_subscription(self, organization_id: str) -> Subscription | None:
        row = (
            await self.connection.execute(
                select(subscriptions).where(subscriptions.c.organization_id == organization_id)
            )
        ).first()
        return Subscription(row.organization_id, row.seats_purchased, row.created_at) if row else None

    async def lock_subscription(self, organization_id: str) -> Subscription | None:
        """The subscription, locked until this transaction ends (FOR UPDATE on PostgreSQL; a SQLite write
        transaction already excludes every other writer), so seat changes of one organization run one at a time."""
        row = (
            await self.connection.execute(
                select(subscriptions).where(subscriptions.c.organization_id == organization_id).with_for_update()
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

    async def seat_counts(self, organization_id: str, hold_cutoff: datetime) -> dict[str, int]:
        """Seats in use by status: confirmed invited and active members, and holds taken after the cutoff."""
        rows = await self.connection.execute(
            select(seat_holders.c.status, func.count())
            .where(
                seat_holders.c.organization_id == organization_id,
                or_(
                    seat_holders.c.status.in_((SEAT_INVITED, SEAT_ACTIVE)),
                    and_(seat_holders.c.status == SEAT_RESERVED, seat_holders.c.updated_at >= hold_cutoff),
                ),
            )
            .group_by(seat_holders.c.status)
        )
        return {status: count for status, count in rows}

    async def get_seat_holder(self, organization_id: str, member_id: str) -> StoredSeatHolder | None:
        row = (
            await self.connection.execute(
                select(seat_holders).where(
                    seat_holders.c.organization_id == organization_id, seat_holders.c.member_id == member_id
                )
            )
        ).first()
        if row is None:
            return None
        return StoredSeatHolder(SeatHolder(row.organization_id, row.member_id, row.status, row.version), row.updated_at)

    async def save_seat_holder(self, holder: SeatHolder, updated_at: datetime, *, exists: bool) -> None:
        """Write a holder as given (seat holds; the caller holds the subscription lock and read the row)."""
        if exists:
            await self.connection.execute(
                update(seat_holders)
                .where(
                    seat_holders.c.organization_id == holder.organization_id,
                    seat_holders.c.member_id == holder.member_id,
                )
                .values(status=holder.status, version=holder.version, updated_at=updated_at)
            )
        else:
            await self.connection.execute(
                insert(seat_holders).values(
                    organization_id=holder.organization_id,
                    member_id=holder.member_id,
                    status=holder.status,
                    version=holder.version,
                    updated_at=updated_at,
                )
            )

    async def delete_seat_holder(self, organization_id: str, member_id: str) -> None:
        await self.connection.execute(
            delete(seat_holders).where(
                seat_holders.c.organization_id == organization_id, seat_holders.c.member_id == member_id
            )
        )

    async def upsert_seat_holder(self, holder: SeatHolder, updated_at: datetime) -> bool:
        return await upsert_if_newer(
            self.connection,
            seat_holders,
            {"organization_id": holder.organization_id, "member_id": holder.member_id},
            {"status": holder.status, "updated_at": updated_at},
            holder.version,
        )


class SqlBillingStore(OutboxStore[SqlBillingTransaction]):
    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        clock: Clock,
        to_envelope: Callable[[DomainEvent], envelope_pb2.Envelope],
    ):
        super().__init__(SqlBillingTransaction, db, outbox, clock, to_envelope)
