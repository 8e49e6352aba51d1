"""The seat-change preview: the amounts it shows are those ChangeSeats then charges, it changes nothing, and it
refuses what the change would refuse; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.billing.domain.money import Money
from services.billing.tests.harness import ORG, BillingHarness, principal
from services.billing.tests.test_subscriptions import BILLING_ADMIN, activate
from services.common.errors import FailedPrecondition, PermissionDenied


async def test_the_previewed_charge_for_added_seats_is_what_changing_them_then_charges(
    billing: BillingHarness,
) -> None:
    await activate(billing)
    billing.clock.advance(timedelta(days=10))
    preview = await billing.use_cases.seat_purchases.preview_seat_change(BILLING_ADMIN, ORG, 13)
    assert preview.charge_now is not None and preview.next_invoice is not None
    assert (await billing.use_cases.seat_holds.seat_usage(BILLING_ADMIN, ORG)).purchased == 10  # nothing changed
    changed = await billing.use_cases.seat_purchases.change_seats(BILLING_ADMIN, ORG, 13)
    assert changed.invoice is not None and changed.invoice.total == preview.charge_now.total
    assert 0 < preview.charge_now.subtotal.amount < 3 * 1200  # prorated, less than a full month
    dashboard = await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)
    assert dashboard.upcoming_invoice is not None
    assert dashboard.upcoming_invoice.total == preview.next_invoice.total == Money(13 * 1200, "EUR")


async def test_a_previewed_reduction_charges_nothing_now_and_lowers_the_next_invoice(billing: BillingHarness) -> None:
    await activate(billing)
    preview = await billing.use_cases.seat_purchases.preview_seat_change(BILLING_ADMIN, ORG, 4)
    assert preview.charge_now is None and preview.after.seats_at_renewal == 4
    assert preview.next_invoice is not None and preview.next_invoice.total == Money(4800, "EUR")
    assert (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).subscription.seats_at_renewal is None


async def test_the_preview_refuses_what_the_change_would_refuse(billing: BillingHarness) -> None:
    await activate(billing)
    for held in range(3):
        await billing.member_event("member.added", f"m{held}", "active", 1)
    with pytest.raises(FailedPrecondition) as in_use:
        await billing.use_cases.seat_purchases.preview_seat_change(BILLING_ADMIN, ORG, 2)
    assert in_use.value.reason == "SEATS_IN_USE"
    with pytest.raises(PermissionDenied):
        await billing.use_cases.seat_purchases.preview_seat_change(principal("billing.read"), ORG, 12)


async def test_a_change_confirmed_at_an_outdated_charge_changes_nothing(billing: BillingHarness) -> None:
    await activate(billing)
    preview = await billing.use_cases.seat_purchases.preview_seat_change(BILLING_ADMIN, ORG, 13)
    assert preview.charge_now is not None
    billing.clock.advance(timedelta(days=10))  # the prorated rest of the period is shorter now
    with pytest.raises(FailedPrecondition) as changed:
        await billing.use_cases.seat_purchases.change_seats(
            BILLING_ADMIN, ORG, 13, expected_charge_minor=preview.charge_now.total.amount
        )
    assert changed.value.reason == "CHARGE_CHANGED"
    assert (await billing.use_cases.seat_holds.seat_usage(BILLING_ADMIN, ORG)).purchased == 10
    current = await billing.use_cases.seat_purchases.preview_seat_change(BILLING_ADMIN, ORG, 13)
    assert current.charge_now is not None
    bought = await billing.use_cases.seat_purchases.change_seats(
        BILLING_ADMIN, ORG, 13, expected_charge_minor=current.charge_now.total.amount
    )
    assert bought.invoice is not None and bought.invoice.total == current.charge_now.total
    reduced = await billing.use_cases.seat_purchases.change_seats(BILLING_ADMIN, ORG, 11, expected_charge_minor=0)
    assert reduced.subscription.seats_at_renewal == 11
