"""Subscriptions against real databases: the dashboard, trials ending, seats bought and reduced, renewals,
dunning through past_due to unpaid, cancellation at period end, invoices and payments, each an event."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from services.billing.domain.catalogue import Catalogue, load_catalogue
from services.billing.domain.collection import PAYMENT_TERMS
from services.billing.domain.money import Money
from services.billing.domain.payments import PaymentMethod
from services.billing.domain.subscription import BillingProfile
from services.billing.tests.harness import OPERATOR, ORG, OTHER_ORG, START, BillingHarness, open_harness, principal
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.common.principal import Principal

OWNER = replace(
    principal("billing.read", "billing.manage", "subscription.cancel", "members.invite"), authenticated_at=START
)
BILLING_ADMIN = principal("billing.read", "billing.manage")
CARD = PaymentMethod("test", reference="tok_visa", brand="visa", last4="4242", expiry_month=12, expiry_year=2030)
DECLINED_CARD = replace(CARD, reference="tok_visa_fail", last4="0002")
TRIAL = timedelta(days=14)


async def activate(billing: BillingHarness, method: PaymentMethod = CARD) -> None:
    """Open the organization, put a card on file and let the trial end (first period paid)."""
    await billing.open_organization()
    await billing.use_cases.subscriptions.update_payment_method(OWNER, ORG, method)
    billing.clock.advance(TRIAL)
    await billing.use_cases.renewals.run_renewals()


async def test_a_new_organization_trials_the_default_plan_and_sees_its_next_invoice(billing: BillingHarness) -> None:
    await billing.open_organization()
    await billing.member_event("member.added", "owner", "active", 1)
    dashboard = await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)
    assert (dashboard.subscription.status, dashboard.plan.id) == ("trialing", "team-monthly")
    assert (dashboard.seat_usage.purchased, dashboard.seat_usage.in_use) == (10, 1)
    assert dashboard.subscription.current_period_end == START + TRIAL
    upcoming = dashboard.upcoming_invoice
    assert upcoming is not None and upcoming.total == Money(12000, "EUR")
    assert upcoming.period_start == START + TRIAL
    assert await billing.published_subjects() == [
        "tenantry.billing.subscription.opened",
        "tenantry.billing.entitlements.changed",
    ]


async def test_the_billing_profile_is_validated_and_its_tax_shows_in_the_preview(billing: BillingHarness) -> None:
    await billing.open_organization()
    with pytest.raises(InvalidArgument) as invalid:
        await billing.use_cases.subscriptions.update_profile(
            OWNER, ORG, BillingProfile(country="Germany", vat_id="DE 12!", tax_rate_basis_points=10_001,
                                       billing_email="not-an-email")
        )  # fmt: skip
    assert {violation.field for violation in invalid.value.violations} == {
        "billing_profile.country",
        "billing_profile.vat_id",
        "billing_profile.tax_rate_basis_points",
        "billing_profile.billing_email",
    }
    profile = BillingProfile("Acme GmbH", "Main St 1", "de", "DE 123.456", 1900, "Billing@Acme.test")
    for tenant in (OWNER, BILLING_ADMIN):  # the tax rate is the platform operator's to set, never the customer's
        with pytest.raises(PermissionDenied) as refused:
            await billing.use_cases.subscriptions.update_profile(tenant, ORG, profile)
        assert refused.value.reason == "OPERATOR_ONLY"
    assert (await billing.use_cases.subscriptions.dashboard(OWNER, ORG)).subscription.profile == BillingProfile()
    await billing.use_cases.subscriptions.update_profile(OPERATOR, ORG, BillingProfile(tax_rate_basis_points=1900))
    updated = await billing.use_cases.subscriptions.update_profile(
        OWNER, ORG, profile
    )  # the other fields, the same rate
    assert (updated.profile.country, updated.profile.vat_id, updated.profile.billing_email) == (
        "DE",
        "DE123456",
        "billing@acme.test",
    )
    upcoming = (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).upcoming_invoice
    assert upcoming is not None
    assert (upcoming.subtotal, upcoming.tax, upcoming.total) == (
        Money(12000, "EUR"),
        Money(2280, "EUR"),
        Money(14280, "EUR"),
    )


async def test_the_trial_ends_with_a_paid_first_invoice_when_a_card_is_on_file(billing: BillingHarness) -> None:
    await activate(billing)
    dashboard = await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)
    assert dashboard.subscription.status == "active"
    invoices = await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG)
    assert [(invoice.number, invoice.status, invoice.total) for invoice in invoices] == [
        ("ORG1-000001", "paid", Money(12000, "EUR"))
    ]
    payments = await billing.use_cases.records.list_payments(BILLING_ADMIN, ORG)
    assert [(payment.status, payment.method) for payment in payments] == [("succeeded", "visa •••• 4242 (12/2030)")]
    assert await billing.published_subjects() == [
        "tenantry.billing.subscription.opened",
        "tenantry.billing.entitlements.changed",
        "tenantry.billing.subscription.payment_method_updated",
        "tenantry.billing.subscription.renewed",
        "tenantry.billing.invoice.issued",
        "tenantry.billing.payment.succeeded",
        "tenantry.billing.subscription.reactivated",
    ]


async def test_failed_collections_go_past_due_then_unpaid_and_a_new_card_settles_them(
    billing: BillingHarness,
) -> None:
    await billing.open_organization()
    billing.clock.advance(TRIAL)
    await billing.use_cases.renewals.run_renewals()  # no payment method on file
    subscription = (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).subscription
    assert (subscription.status, subscription.failed_payment_attempts) == ("past_due", 1)
    assert subscription.next_payment_attempt_at == START + TRIAL + timedelta(days=1)
    await billing.use_cases.subscriptions.update_payment_method(OWNER, ORG, DECLINED_CARD)  # retried at once, declined
    for days in (1, 3, 5):
        billing.clock.advance(timedelta(days=days))
        await billing.use_cases.renewals.run_renewals()
    subscription = (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).subscription
    assert (subscription.status, subscription.next_payment_attempt_at) == ("unpaid", None)
    assert await billing.use_cases.renewals.run_renewals() == 0  # nothing more is retried by itself
    with pytest.raises(FailedPrecondition):
        await billing.use_cases.seat_purchases.change_seats(OWNER, ORG, 12)
    settled = await billing.use_cases.subscriptions.update_payment_method(OWNER, ORG, CARD)
    assert (settled.status, settled.failed_payment_attempts) == ("active", 0)
    statuses = [payment.status for payment in await billing.use_cases.records.list_payments(BILLING_ADMIN, ORG)]
    # No card, the declined card at once, and its retries 3 and 5 days after each failure.
    assert statuses == ["succeeded", "failed", "failed", "failed", "failed"]
    subjects = await billing.published_subjects("tenantry.billing.subscription.")
    assert [subject.rsplit(".", 1)[1] for subject in subjects if "payment_method" not in subject] == [
        "opened",
        "renewed",
        "past_due",
        "unpaid",
        "reactivated",
    ]


async def test_seats_bought_mid_period_are_invoiced_prorated_and_collected(billing: BillingHarness) -> None:
    await activate(billing)
    await billing.use_cases.subscriptions.update_profile(OPERATOR, ORG, BillingProfile(tax_rate_basis_points=2000))
    subscription = (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).subscription
    period = subscription.current_period_end - subscription.current_period_start
    billing.clock.advance(period / 2)
    change = await billing.use_cases.seat_purchases.change_seats(BILLING_ADMIN, ORG, 14)
    assert change.subscription.seats_purchased == 14
    assert change.invoice is not None and change.invoice.status == "paid"
    assert change.invoice.draft.subtotal == Money(2400, "EUR")  # 4 seats x 12.00 x half the period
    assert change.invoice.draft.tax == Money(480, "EUR")
    assert change.payment is not None and change.payment.amount == Money(2880, "EUR")
    assert [invoice.number for invoice in await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG)] == [
        "ORG1-000002",
        "ORG1-000001",
    ]


async def test_seats_are_reduced_at_renewal_never_below_those_in_use(billing: BillingHarness) -> None:
    await activate(billing)
    for index in range(4):
        await billing.member_event("member.added", f"m{index}", "active", 1)
    with pytest.raises(FailedPrecondition) as refused:
        await billing.use_cases.seat_purchases.change_seats(BILLING_ADMIN, ORG, 3)
    assert refused.value.reason == "SEATS_IN_USE"
    with pytest.raises(InvalidArgument):
        await billing.use_cases.seat_purchases.change_seats(BILLING_ADMIN, ORG, 0)
    scheduled = await billing.use_cases.seat_purchases.change_seats(BILLING_ADMIN, ORG, 5)
    assert (scheduled.subscription.seats_purchased, scheduled.subscription.seats_at_renewal, scheduled.invoice) == (
        10,
        5,
        None,
    )
    upcoming = (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).upcoming_invoice
    assert upcoming is not None and upcoming.total == Money(6000, "EUR")
    billing.clock.advance(timedelta(days=31))
    await billing.use_cases.renewals.run_renewals()
    assert (await billing.use_cases.seat_holds.seat_usage(BILLING_ADMIN, ORG)).purchased == 5


async def test_only_an_owner_cancels_and_the_subscription_ends_at_period_end(billing: BillingHarness) -> None:
    await activate(billing)
    with pytest.raises(PermissionDenied):
        await billing.use_cases.subscriptions.cancel(BILLING_ADMIN, ORG)
    stale_owner = replace(OWNER, authenticated_at=None)
    with pytest.raises(PermissionDenied) as stale:
        await billing.use_cases.subscriptions.cancel(stale_owner, ORG)
    assert stale.value.reason == "REAUTHENTICATION_REQUIRED"
    billing.clock.advance(timedelta(minutes=1) - (billing.clock.now() - START))  # back within the window
    owner_now = replace(OWNER, authenticated_at=billing.clock.now())
    canceling = await billing.use_cases.subscriptions.cancel(owner_now, ORG)
    assert canceling.cancel_at_period_end
    assert (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).upcoming_invoice is None
    resumed = await billing.use_cases.subscriptions.resume(owner_now, ORG)
    assert not resumed.cancel_at_period_end
    await billing.use_cases.subscriptions.cancel(owner_now, ORG)
    billing.clock.advance(timedelta(days=45))
    await billing.use_cases.renewals.run_renewals()
    ended = (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).subscription
    assert (ended.status, ended.canceled_at) == ("canceled", canceling.current_period_end)
    assert len(await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG)) == 1
    with pytest.raises(FailedPrecondition) as no_seats:
        await billing.use_cases.seat_holds.reserve_seat(OWNER, ORG, "late-invitee")
    assert no_seats.value.reason == "SUBSCRIPTION_CANCELED"


async def test_a_bank_transfer_is_recorded_by_hand(billing: BillingHarness) -> None:
    await activate(billing, PaymentMethod("invoice"))
    subscription = (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).subscription
    assert subscription.status == "trialing"  # the first invoice waits for the transfer
    [invoice] = await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG)
    assert invoice.status == "open"
    for tenant in (OWNER, BILLING_ADMIN):  # a customer never marks its own invoice paid
        with pytest.raises(PermissionDenied):
            await billing.use_cases.payments.record_payment(tenant, ORG, invoice.id, "SEPA-42")
    with pytest.raises(InvalidArgument):
        await billing.use_cases.payments.record_payment(OPERATOR, ORG, invoice.id, "  ")
    recorded = await billing.use_cases.payments.record_payment(OPERATOR, ORG, invoice.id, "SEPA-42")
    assert (recorded.payment.amount, recorded.subscription.status) == (Money(12000, "EUR"), "active")
    with pytest.raises(FailedPrecondition) as twice:
        await billing.use_cases.payments.record_payment(OPERATOR, ORG, invoice.id, "SEPA-42")
    assert twice.value.reason == "INVOICE_NOT_OPEN"
    with pytest.raises(NotFound):
        await billing.use_cases.payments.record_payment(OPERATOR, ORG, "no-such-invoice", "SEPA-43")


async def test_a_long_outage_catches_up_every_missed_renewal(billing: BillingHarness) -> None:
    await activate(billing)
    billing.clock.advance(timedelta(days=100))
    await billing.use_cases.renewals.run_renewals()
    invoices = await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG)
    # The first period from 15 March, then renewals on 15 April, May and June.
    assert [invoice.status for invoice in invoices] == ["paid"] * 4
    assert [invoice.draft.period_start.month for invoice in invoices] == [6, 5, 4, 3]
    subscription = (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).subscription
    assert subscription.current_period_start <= billing.clock.now() < subscription.current_period_end


async def test_invoices_and_subscriptions_are_private_to_their_organization(billing: BillingHarness) -> None:
    await activate(billing)
    stranger: Principal = principal("billing.read", "billing.manage", organization_id="org-2")
    [invoice] = await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG)
    for call in (
        billing.use_cases.subscriptions.dashboard(stranger, ORG),
        billing.use_cases.records.get_invoice(stranger, ORG, invoice.id),
        billing.use_cases.seat_purchases.change_seats(stranger, ORG, 20),
    ):
        with pytest.raises(NotFound):
            await call
    with pytest.raises(PermissionDenied):
        await billing.use_cases.seat_purchases.change_seats(principal("billing.read"), ORG, 20)
    with pytest.raises(InvalidArgument):
        await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG, 1000)


async def test_a_plan_without_trial_invoices_its_first_period_at_once(database_url: str) -> None:
    catalogue = load_catalogue()
    no_trial = replace(catalogue, plans=tuple(replace(plan, trial_days=0) for plan in catalogue.plans))
    billing = await open_harness(database_url, catalogue=no_trial)
    try:
        await billing.open_organization()
        assert (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).subscription.status == "active"
        [invoice] = await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG)
        assert (invoice.number, invoice.status, invoice.total) == ("ORG1-000001", "open", Money(12000, "EUR"))
        await billing.use_cases.subscriptions.update_payment_method(OWNER, ORG, CARD)
        assert await billing.use_cases.renewals.run_renewals() == 1  # the first collection is due at once
        [paid] = await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG)
        assert paid.status == "paid"
        assert (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).subscription.status == "active"
    finally:
        await billing.db.dispose()


def catalogue_with_pro() -> Catalogue:
    catalogue = load_catalogue()
    team = catalogue.default_plan
    pro = replace(team, id="pro-monthly", name="Pro", price_per_seat=Money(2000, "EUR"))
    return replace(catalogue, plans=(*catalogue.plans, pro))


async def test_an_upgrade_is_invoiced_now_and_a_downgrade_waits_for_the_renewal(database_url: str) -> None:
    billing = await open_harness(database_url, catalogue=catalogue_with_pro())
    try:
        await activate(billing)
        with pytest.raises(InvalidArgument) as unknown:
            await billing.use_cases.plan_changes.change_plan(BILLING_ADMIN, ORG, "platinum")
        assert unknown.value.violations[0].field == "plan_id"
        subscription = (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).subscription
        billing.clock.advance((subscription.current_period_end - subscription.current_period_start) / 2)
        upgrade = await billing.use_cases.plan_changes.change_plan(BILLING_ADMIN, ORG, "pro-monthly")
        assert upgrade.subscription.plan_id == "pro-monthly"
        assert upgrade.invoice is not None and upgrade.invoice.status == "paid"
        assert upgrade.invoice.draft.subtotal == Money(4000, "EUR")  # (20.00 - 12.00) x 10 seats x half
        assert upgrade.payment is not None and upgrade.payment.status == "succeeded"

        downgrade = await billing.use_cases.plan_changes.change_plan(BILLING_ADMIN, ORG, "team-monthly")
        assert (downgrade.subscription.plan_id, downgrade.subscription.plan_at_renewal) == (
            "pro-monthly",
            "team-monthly",
        )
        assert downgrade.invoice is None
        upcoming = (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).upcoming_invoice
        assert upcoming is not None and upcoming.total == Money(12000, "EUR")  # the next period on Team
        billing.clock.advance(timedelta(days=31))
        await billing.use_cases.renewals.run_renewals()
        renewed = (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).subscription
        assert (renewed.plan_id, renewed.plan_at_renewal) == ("team-monthly", None)
        subjects = await billing.published_subjects("tenantry.billing.subscription.plan")
        assert subjects == [
            "tenantry.billing.subscription.plan_changed",
            "tenantry.billing.subscription.plan_change_scheduled",
        ]
    finally:
        await billing.db.dispose()


async def test_a_bank_transfer_not_received_within_the_terms_starts_dunning(billing: BillingHarness) -> None:
    await activate(billing, PaymentMethod("invoice"))
    subscription = (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).subscription
    assert (subscription.status, subscription.next_payment_attempt_at) == ("trialing", START + TRIAL + PAYMENT_TERMS)
    billing.clock.advance(PAYMENT_TERMS - timedelta(seconds=1))
    assert await billing.use_cases.renewals.run_renewals() == 0
    billing.clock.advance(timedelta(seconds=1))
    assert await billing.use_cases.renewals.run_renewals() == 1
    overdue = (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).subscription
    assert (overdue.status, overdue.failed_payment_attempts) == ("past_due", 1)
    [payment] = await billing.use_cases.records.list_payments(BILLING_ADMIN, ORG)
    assert (payment.status, payment.failure_reason) == ("failed", "Not paid within 14 days of the invoice.")
    [invoice] = await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG)
    settled = await billing.use_cases.payments.record_payment(OPERATOR, ORG, invoice.id, "SEPA-7")
    assert (settled.subscription.status, settled.subscription.next_payment_attempt_at) == ("active", None)


async def test_a_purchase_order_of_64_characters_fits_the_payments_it_is_printed_on(billing: BillingHarness) -> None:
    label = "PO-" + "x" * 61  # the longest label accepted; "invoice (<label>)" would be 74 characters
    await activate(billing, PaymentMethod("invoice", label))
    billing.clock.advance(PAYMENT_TERMS)
    assert await billing.use_cases.renewals.run_renewals() == 1  # the failed collection is stored (PostgreSQL too)
    [failed] = await billing.use_cases.records.list_payments(BILLING_ADMIN, ORG)
    assert failed.status == "failed"
    assert len(failed.method) == 64 and failed.method.startswith("invoice (PO-xxx") and failed.method.endswith("…)")
    [invoice] = await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG)
    settled = await billing.use_cases.payments.record_payment(OPERATOR, ORG, invoice.id, "SEPA-8")
    assert settled.subscription.status == "active"
    assert [payment.status for payment in await billing.use_cases.records.list_payments(BILLING_ADMIN, ORG)] == [
        "succeeded",
        "failed",
    ]
    assert PaymentMethod("invoice", "PO-1").display == "invoice (PO-1)"  # short labels are shown whole


async def test_one_organizations_broken_renewal_does_not_stop_the_others(billing: BillingHarness) -> None:
    await billing.open_organization()
    await billing.open_organization(OTHER_ORG)
    async with billing.store.write() as tx:
        subscription = await tx.lock_subscription(ORG)
        assert subscription is not None
        await tx.save_subscription(replace(subscription, plan_id="retired-plan"), billing.clock.now())
    billing.clock.advance(TRIAL)
    assert await billing.use_cases.renewals.run_renewals() == 1
    other = principal("billing.read", organization_id=OTHER_ORG)
    assert len(await billing.use_cases.records.list_invoices(other, OTHER_ORG)) == 1
    assert await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG) == []
