"""The plan-change preview: the charge it shows for an upgrade is what ChangePlan then charges, a downgrade shows
no charge and the next renewal at the new plan, it changes nothing, and it refuses what the change would refuse;
a change confirmed at an outdated charge changes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from services.billing.domain.money import Money
from services.billing.tests.harness import ORG, BillingHarness, open_harness, principal
from services.billing.tests.test_subscriptions import BILLING_ADMIN, activate, catalogue_with_pro
from services.common.errors import FailedPrecondition, InvalidArgument, PermissionDenied


@pytest.fixture
async def billing(database_url: str) -> AsyncIterator[BillingHarness]:
    harness = await open_harness(database_url, catalogue=catalogue_with_pro())
    yield harness
    await harness.db.dispose()


async def plan_of(billing: BillingHarness) -> str:
    return (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).subscription.plan_id


async def test_the_previewed_charge_of_an_upgrade_is_what_changing_the_plan_then_charges(
    billing: BillingHarness,
) -> None:
    await activate(billing)
    billing.clock.advance(timedelta(days=10))
    preview = await billing.use_cases.plan_changes.preview_plan_change(BILLING_ADMIN, ORG, "pro-monthly")
    assert preview.applies_now and preview.after.plan_id == "pro-monthly"
    assert preview.charge_now is not None and preview.next_invoice is not None
    assert 0 < preview.charge_now.subtotal.amount < (2000 - 1200) * 10  # prorated, less than a full month
    assert preview.next_invoice.subtotal == Money(2000 * 10, "EUR")
    assert await plan_of(billing) == "team-monthly"  # nothing changed
    upgraded = await billing.use_cases.plan_changes.change_plan(
        BILLING_ADMIN, ORG, "pro-monthly", expected_charge_minor=preview.charge_now.total.amount
    )
    assert upgraded.invoice is not None and upgraded.invoice.draft.total == preview.charge_now.total


async def test_a_previewed_downgrade_charges_nothing_and_waits_for_the_renewal(billing: BillingHarness) -> None:
    await activate(billing)
    await billing.use_cases.plan_changes.change_plan(BILLING_ADMIN, ORG, "pro-monthly")
    preview = await billing.use_cases.plan_changes.preview_plan_change(BILLING_ADMIN, ORG, "team-monthly")
    assert not preview.applies_now and preview.charge_now is None
    assert (preview.after.plan_id, preview.after.plan_at_renewal) == ("pro-monthly", "team-monthly")
    assert preview.next_invoice is not None and preview.next_invoice.subtotal == Money(1200 * 10, "EUR")
    dashboard = await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)
    assert dashboard.subscription.plan_at_renewal is None  # nothing scheduled by the preview


async def test_the_plan_preview_refuses_what_the_change_would_refuse(billing: BillingHarness) -> None:
    await activate(billing)
    with pytest.raises(InvalidArgument) as unknown:
        await billing.use_cases.plan_changes.preview_plan_change(BILLING_ADMIN, ORG, "platinum")
    assert unknown.value.violations[0].field == "plan_id"
    with pytest.raises(PermissionDenied):
        await billing.use_cases.plan_changes.preview_plan_change(principal("billing.read"), ORG, "pro-monthly")


async def test_a_plan_change_confirmed_at_an_outdated_charge_changes_nothing(billing: BillingHarness) -> None:
    await activate(billing)
    preview = await billing.use_cases.plan_changes.preview_plan_change(BILLING_ADMIN, ORG, "pro-monthly")
    assert preview.charge_now is not None
    billing.clock.advance(timedelta(days=10))  # less of the period is left to charge
    with pytest.raises(FailedPrecondition) as changed:
        await billing.use_cases.plan_changes.change_plan(
            BILLING_ADMIN, ORG, "pro-monthly", expected_charge_minor=preview.charge_now.total.amount
        )
    assert changed.value.reason == "CHARGE_CHANGED"
    assert await plan_of(billing) == "team-monthly"
