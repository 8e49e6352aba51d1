"""Idempotency keys on the calls that change money: a retry (later, or at once from another replica) answers with
the first call's invoice, payment or credit note and changes nothing; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest

from services.billing.domain.payments import PaymentMethod
from services.billing.tests.harness import OPERATOR, ORG, BillingHarness, open_harness
from services.billing.tests.test_renewal_idempotency import replica_of
from services.billing.tests.test_subscriptions import BILLING_ADMIN, activate, catalogue_with_pro
from services.common.db import Database
from services.common.errors import FailedPrecondition


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
