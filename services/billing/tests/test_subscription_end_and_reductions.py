"""A seat reduction scheduled for the renewal, visible and cancellable until then, and the deletion flagged when a
canceled subscription ends; on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select
from tenantry.events.v1 import billing_events_pb2, envelope_pb2

from services.billing.domain.money import Money
from services.billing.domain.renewals import DELETION_DELAY
from services.billing.store.tables import messaging
from services.billing.tests.harness import ORG, BillingHarness, principal
from services.billing.tests.test_subscriptions import BILLING_ADMIN, OWNER, activate
from services.common.errors import PermissionDenied


async def test_a_scheduled_seat_reduction_is_visible_and_cancellable_until_the_renewal(
    billing: BillingHarness,
) -> None:
    await activate(billing)
    await billing.use_cases.seat_purchases.change_seats(BILLING_ADMIN, ORG, 4)
    dashboard = await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)
    assert dashboard.subscription.seats_at_renewal == 4
    assert dashboard.upcoming_invoice is not None and dashboard.upcoming_invoice.total == Money(4800, "EUR")
    with pytest.raises(PermissionDenied):
        await billing.use_cases.seat_purchases.cancel_seat_reduction(principal("billing.read"), ORG)
    canceled = await billing.use_cases.seat_purchases.cancel_seat_reduction(BILLING_ADMIN, ORG)
    assert (canceled.seats_purchased, canceled.seats_at_renewal) == (10, None)
    dashboard = await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)
    assert dashboard.upcoming_invoice is not None and dashboard.upcoming_invoice.total == Money(12000, "EUR")
    again = await billing.use_cases.seat_purchases.cancel_seat_reduction(
        BILLING_ADMIN, ORG
    )  # nothing scheduled: no change
    assert again.version == canceled.version
    billing.clock.advance(timedelta(days=31))
    await billing.use_cases.renewals.run_renewals()
    assert (await billing.use_cases.seat_holds.seat_usage(BILLING_ADMIN, ORG)).purchased == 10
    assert (await billing.published_subjects("tenantry.billing.subscription.seat_reduction")) == [
        "tenantry.billing.subscription.seat_reduction_scheduled",
        "tenantry.billing.subscription.seat_reduction_canceled",
    ]


async def test_a_canceled_subscription_ending_flags_the_organization_for_deletion_in_90_days(
    billing: BillingHarness,
) -> None:
    await activate(billing)
    owner = replace(OWNER, authenticated_at=billing.clock.now())
    canceling = await billing.use_cases.subscriptions.cancel(owner, ORG)
    assert await billing.published_subjects("tenantry.billing.organization.") == []
    billing.clock.advance(timedelta(days=45))
    await billing.use_cases.renewals.run_renewals()
    await billing.use_cases.renewals.run_renewals()  # once only
    assert await billing.published_subjects("tenantry.billing.organization.") == [
        "tenantry.billing.organization.deletion_scheduled"
    ]
    async with billing.db.read() as connection:
        data = await connection.scalar(
            select(messaging.outbox.c.payload).where(
                messaging.outbox.c.subject == "tenantry.billing.organization.deletion_scheduled"
            )
        )
    envelope = envelope_pb2.Envelope.FromString(data)
    payload = billing_events_pb2.OrganizationDeletionScheduled()
    envelope.payload.Unpack(payload)
    assert payload.organization_id == ORG
    assert payload.subscription_end_time.ToDatetime(canceling.current_period_end.tzinfo) == (
        canceling.current_period_end
    )
    assert payload.deletion_time.ToDatetime(canceling.current_period_end.tzinfo) == (
        canceling.current_period_end + DELETION_DELAY
    )
    assert timedelta(days=90) == DELETION_DELAY
