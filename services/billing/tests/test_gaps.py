"""Cancelling a scheduled seat reduction, idempotency keys on the calls that change money, the deletion flagged
when a canceled subscription ends, and the pure seat reconciliation; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select
from tenantry.events.v1 import billing_events_pb2, envelope_pb2

from services.billing.domain.money import Money
from services.billing.domain.payments import PaymentMethod
from services.billing.domain.reconciliation import MISSING_IN_BILLING, NOT_A_MEMBER, compare
from services.billing.domain.renewals import DELETION_DELAY
from services.billing.store.tables import messaging
from services.billing.tests.harness import OPERATOR, ORG, BillingHarness, open_harness, principal
from services.billing.tests.test_renewal_idempotency import replica_of
from services.billing.tests.test_subscriptions import BILLING_ADMIN, OWNER, activate, catalogue_with_pro
from services.common.db import Database
from services.common.errors import FailedPrecondition, PermissionDenied


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


async def test_a_retried_seat_purchase_with_the_same_key_invoices_once(billing: BillingHarness) -> None:
    await activate(billing)
    first = await billing.use_cases.seat_purchases.change_seats(BILLING_ADMIN, ORG, 12, idempotency_key="buy-2")
    retry = await billing.use_cases.seat_purchases.change_seats(BILLING_ADMIN, ORG, 12, idempotency_key="buy-2")
    assert first.invoice is not None and retry.invoice is not None
    assert retry.invoice.id == first.invoice.id and retry.invoice.status == "paid"
    assert retry.payment is not None and first.payment is not None and retry.payment.id == first.payment.id
    # The key decides, not the body: a retry asking for more seats still returns the first outcome.
    stale = await billing.use_cases.seat_purchases.change_seats(BILLING_ADMIN, ORG, 15, idempotency_key="buy-2")
    assert stale.subscription.seats_purchased == 12
    other = await billing.use_cases.seat_purchases.change_seats(BILLING_ADMIN, ORG, 13, idempotency_key="buy-1-more")
    assert other.invoice is not None and other.invoice.id != first.invoice.id
    assert len(await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG)) == 3  # first period + two purchases


async def test_concurrent_retries_of_one_key_from_two_replicas_invoice_once(database_url: str) -> None:
    billing = await open_harness(database_url)
    replica = Database(database_url)
    try:
        await activate(billing)
        other = replica_of(billing, replica)
        changes = await asyncio.gather(
            *(
                (billing.use_cases if attempt % 2 else other).seat_purchases.change_seats(
                    BILLING_ADMIN, ORG, 14, idempotency_key="same-key"
                )
                for attempt in range(6)
            )
        )
        assert len({change.invoice.id for change in changes if change.invoice is not None}) == 1
        assert all(change.invoice is not None for change in changes)
        assert len(await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG)) == 2
    finally:
        await replica.dispose()
        await billing.db.dispose()


async def test_a_retried_plan_upgrade_with_the_same_key_invoices_once(database_url: str) -> None:
    billing = await open_harness(database_url, catalogue=catalogue_with_pro())
    try:
        await activate(billing)
        first = await billing.use_cases.plan_changes.change_plan(
            BILLING_ADMIN, ORG, "pro-monthly", idempotency_key="up"
        )
        retry = await billing.use_cases.plan_changes.change_plan(
            BILLING_ADMIN, ORG, "pro-monthly", idempotency_key="up"
        )
        assert first.invoice is not None and retry.invoice is not None and retry.invoice.id == first.invoice.id
        assert len(await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG)) == 2
    finally:
        await billing.db.dispose()


async def test_a_retried_recorded_payment_with_the_same_key_returns_the_first(billing: BillingHarness) -> None:
    await activate(billing, PaymentMethod("invoice", "PO-4711"))
    [invoice] = await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG)
    first = await billing.use_cases.payments.record_payment(OPERATOR, ORG, invoice.id, "SEPA-1", idempotency_key="k")
    retry = await billing.use_cases.payments.record_payment(OPERATOR, ORG, invoice.id, "SEPA-1", idempotency_key="k")
    assert retry.payment == first.payment
    assert retry.subscription.status == "active"
    with pytest.raises(FailedPrecondition) as without_key:
        await billing.use_cases.payments.record_payment(OPERATOR, ORG, invoice.id, "SEPA-1")
    assert without_key.value.reason == "INVOICE_NOT_OPEN"
    assert len(await billing.use_cases.records.list_payments(BILLING_ADMIN, ORG)) == 1


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


def test_reconciliation_reports_every_member_on_one_side_only() -> None:
    members = {"a": "active", "b": "invited", "c": "active", "d": "active"}
    holders = {"a": "active", "b": "reserved", "d": "released", "e": "active", "f": "removed", "g": "invited"}
    result = compare(members, holders)
    assert [(d.member_id, d.kind, d.membership_status, d.billing_status) for d in result.differences] == [
        ("b", MISSING_IN_BILLING, "invited", "reserved"),  # a hold no event confirmed
        ("c", MISSING_IN_BILLING, "active", ""),  # an event billing never applied
        ("e", NOT_A_MEMBER, "", "active"),  # a removal billing missed
        ("g", NOT_A_MEMBER, "", "invited"),
    ]
    assert (result.membership_members, result.billing_seats, result.in_sync) == (4, 3, False)
    agreed = compare({"a": "active"}, {"a": "active", "x": "released"})
    assert agreed.in_sync and agreed.differences == ()


async def test_billing_side_of_the_reconciliation_reads_every_seat_holder(billing: BillingHarness) -> None:
    await billing.open_organization()
    await billing.member_event("member.added", "m-active", "active", 1)
    await billing.member_event("member.invited", "m-invited", "invited", 1)
    await billing.member_event("member.added", "m-viewer", "active", 1, seat_consuming=False)
    await billing.use_cases.seat_holds.reserve_seat(OWNER, ORG, "m-held")
    async with billing.store.read() as tx:
        holders = await tx.seat_holder_statuses(ORG)
    assert holders == {"m-active": "active", "m-invited": "invited", "m-viewer": "released", "m-held": "reserved"}
    members = {"m-active": "active", "m-invited": "invited", "m-viewer": "active", "m-held": "invited"}
    result = compare(members, holders)
    assert [(difference.member_id, difference.kind) for difference in result.differences] == [
        ("m-held", MISSING_IN_BILLING)  # held, not yet confirmed by membership's event
    ]
