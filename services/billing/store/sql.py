"""Billing's queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import Row
from tenantry.events.v1 import envelope_pb2

from services.billing.domain.model import (
    SEAT_ACTIVE,
    SEAT_INVITED,
    SEAT_RESERVED,
    SeatHolder,
    StoredSeatHolder,
)
from services.billing.domain.payments import PaymentMethod
from services.billing.domain.subscription import CANCELED, BillingProfile, Subscription
from services.billing.store.billing_records import BillingRecordQueries
from services.billing.store.deletion import OrganizationDeletionQueries
from services.billing.store.feature_use import FeatureUseQueries
from services.billing.store.tables import (
    idempotency_keys,
    mail_outbox,
    seat_holders,
    subscriptions,
)
from services.common.clock import Clock
from services.common.db import Database
from services.common.domain import DomainEvent
from services.common.mail_outbox import MailOutboxQueries
from services.common.messaging import Outbox
from services.common.projections import insert_new, upsert_if_newer
from services.common.store import OutboxStore, OutboxTransaction


class SqlBillingTransaction(
    BillingRecordQueries, OrganizationDeletionQueries, FeatureUseQueries, MailOutboxQueries, OutboxTransaction
):
    idempotency_keys = idempotency_keys
    mail_outbox = mail_outbox

    async def get_subscription(self, organization_id: str) -> Subscription | None:
        row = (
            await self.connection.execute(
                select(subscriptions).where(subscriptions.c.organization_id == organization_id)
            )
        ).first()
        return subscription_of(row) if row else None

    async def lock_subscription(self, organization_id: str) -> Subscription | None:
        """The subscription, locked until this transaction ends (FOR UPDATE on PostgreSQL; a SQLite write
        transaction already excludes every other writer), so seat changes of one organization run one at a time."""
        row = (
            await self.connection.execute(
                select(subscriptions).where(subscriptions.c.organization_id == organization_id).with_for_update()
            )
        ).first()
        return subscription_of(row) if row else None

    async def insert_subscription_if_absent(self, subscription: Subscription, now: datetime) -> bool:
        """Open the subscription unless the organization has one; True if it was opened. Two transactions opening
        the same one at once do not fail: the second waits for the first and inserts nothing."""
        values = {"organization_id": subscription.organization_id, "created_at": now}
        values.update(subscription_values(subscription, now))
        return await insert_new(self.connection, subscriptions, values)

    async def save_subscription(self, subscription: Subscription, now: datetime) -> None:
        """Write the subscription as given (the caller locked it and bumped its version)."""
        await self.connection.execute(
            update(subscriptions)
            .where(subscriptions.c.organization_id == subscription.organization_id)
            .values(**subscription_values(subscription, now))
        )

    async def organizations_due(self, now: datetime, limit: int) -> list[str]:
        """Organizations whose period has ended or whose failed collection is due for a retry."""
        rows = await self.connection.scalars(
            select(subscriptions.c.organization_id)
            .where(
                subscriptions.c.status != CANCELED,
                or_(subscriptions.c.current_period_end <= now, subscriptions.c.next_payment_attempt_at <= now),
            )
            .order_by(subscriptions.c.current_period_end)
            .limit(limit)
        )
        return list(rows)

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

    async def seat_holder_statuses(self, organization_id: str) -> dict[str, str]:
        """Every member billing knows of in the organization, with the status of their seat."""
        rows = await self.connection.execute(
            select(seat_holders.c.member_id, seat_holders.c.status).where(
                seat_holders.c.organization_id == organization_id
            )
        )
        return {member_id: status for member_id, status in rows}

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


def subscription_values(subscription: Subscription, now: datetime) -> dict[str, Any]:
    profile = subscription.profile
    return {
        "plan_id": subscription.plan_id,
        "status": subscription.status,
        "seats_purchased": subscription.seats_purchased,
        "period_anchor": subscription.period_anchor,
        "periods_elapsed": subscription.periods_elapsed,
        "current_period_start": subscription.current_period_start,
        "current_period_end": subscription.current_period_end,
        "cancel_at_period_end": subscription.cancel_at_period_end,
        "seats_at_renewal": subscription.seats_at_renewal,
        "plan_at_renewal": subscription.plan_at_renewal,
        "failed_payment_attempts": subscription.failed_payment_attempts,
        "next_payment_attempt_at": subscription.next_payment_attempt_at,
        "canceled_at": subscription.canceled_at,
        "legal_name": profile.legal_name,
        "address": profile.address,
        "country": profile.country,
        "vat_id": profile.vat_id,
        "tax_rate_basis_points": profile.tax_rate_basis_points,
        "billing_email": profile.billing_email,
        "payment_method_kind": subscription.payment_method.kind,
        "payment_method_label": subscription.payment_method.label,
        "payment_method_reference": subscription.payment_method.reference,
        "payment_method_brand": subscription.payment_method.brand,
        "payment_method_last4": subscription.payment_method.last4,
        "payment_method_expiry_month": subscription.payment_method.expiry_month,
        "payment_method_expiry_year": subscription.payment_method.expiry_year,
        "invoices_issued": subscription.invoices_issued,
        "credit_notes_issued": subscription.credit_notes_issued,
        "version": subscription.version,
        "updated_at": now,
    }


def subscription_of(row: Row[Any]) -> Subscription:
    return Subscription(
        organization_id=row.organization_id,
        plan_id=row.plan_id,
        status=row.status,
        seats_purchased=row.seats_purchased,
        period_anchor=row.period_anchor,
        periods_elapsed=row.periods_elapsed,
        current_period_start=row.current_period_start,
        current_period_end=row.current_period_end,
        cancel_at_period_end=bool(row.cancel_at_period_end),
        seats_at_renewal=row.seats_at_renewal,
        plan_at_renewal=row.plan_at_renewal,
        failed_payment_attempts=row.failed_payment_attempts,
        next_payment_attempt_at=row.next_payment_attempt_at,
        canceled_at=row.canceled_at,
        profile=BillingProfile(
            legal_name=row.legal_name,
            address=row.address,
            country=row.country,
            vat_id=row.vat_id,
            tax_rate_basis_points=row.tax_rate_basis_points,
            billing_email=row.billing_email,
        ),
        payment_method=PaymentMethod(
            row.payment_method_kind,
            row.payment_method_label,
            row.payment_method_reference,
            row.payment_method_brand,
            row.payment_method_last4,
            row.payment_method_expiry_month,
            row.payment_method_expiry_year,
        ),
        invoices_issued=row.invoices_issued,
        credit_notes_issued=row.credit_notes_issued,
        version=row.version,
    )


class SqlBillingStore(OutboxStore[SqlBillingTransaction]):
    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        clock: Clock,
        to_envelope: Callable[[DomainEvent], envelope_pb2.Envelope | list[envelope_pb2.Envelope]],
    ):
        super().__init__(SqlBillingTransaction, db, outbox, clock, to_envelope)
