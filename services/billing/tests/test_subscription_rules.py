"""The subscription's life and its invoices, pure: statuses, seat changes, proration, renewals and dunning."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.billing.domain.catalogue import Plan, load_catalogue
from services.billing.domain.invoices import plan_change_invoice, renewal_invoice, seats_added_invoice
from services.billing.domain.money import Money
from services.billing.domain.periods import add_months
from services.billing.domain.subscription import (
    ACTIVE,
    CANCELED,
    DUNNING_RETRY_DELAYS,
    PAST_DUE,
    STATUSES,
    TRANSITIONS,
    TRIALING,
    UNPAID,
    BillingProfile,
    Subscription,
    add_seats,
    cancel_at_period_end,
    change_plan,
    move,
    open_subscription,
    payment_failed,
    payment_succeeded,
    renew,
    schedule_seat_reduction,
)
from services.common.errors import FailedPrecondition, InvalidArgument

CATALOGUE = load_catalogue()


def catalogue_plan(plan_id: str) -> Plan:
    plan = CATALOGUE.plan(plan_id)
    assert plan is not None
    return plan


MONTHLY = catalogue_plan("team-monthly")
NOW = datetime(2026, 1, 31, 12, tzinfo=UTC)


def active_monthly(seats: int = 10, tax: int = 0) -> Subscription:
    terms = open_subscription("org-1", replace(MONTHLY, trial_days=0), seats, NOW)
    return replace(terms, profile=BillingProfile(tax_rate_basis_points=tax))


def test_a_plan_with_a_trial_opens_trialing_and_one_without_active() -> None:
    trial = open_subscription("org-1", MONTHLY, 10, NOW)
    assert (trial.status, trial.current_period_end) == (TRIALING, NOW + timedelta(days=14))
    paid = active_monthly()
    assert (paid.status, paid.current_period_end) == (ACTIVE, datetime(2026, 2, 28, 12, tzinfo=UTC))


def test_monthly_periods_keep_their_anchor_day() -> None:
    terms = active_monthly()
    ends = []
    for _ in range(3):
        terms = renew(terms, MONTHLY, 0)
        ends.append(terms.current_period_end.date().isoformat())
    assert ends == ["2026-03-31", "2026-04-30", "2026-05-31"]
    assert add_months(datetime(2024, 2, 29, tzinfo=UTC), 12) == datetime(2025, 2, 28, tzinfo=UTC)


@given(st.sampled_from(STATUSES), st.sampled_from(STATUSES))
def test_only_the_listed_transitions_are_allowed(start: str, target: str) -> None:
    terms = replace(active_monthly(), status=start)
    if target == start or target in TRANSITIONS[start]:
        assert move(terms, target).status == target
    else:
        with pytest.raises(FailedPrecondition):
            move(terms, target)


def test_seats_added_mid_period_are_prorated_to_the_cent() -> None:
    terms = active_monthly(seats=10, tax=2000)
    # 28 days in the period from 31 Jan to 28 Feb; 7 days left.
    now = terms.current_period_end - timedelta(days=7)
    invoice = seats_added_invoice(terms, MONTHLY, 3, now)
    assert invoice.lines[0].amount == Money(900, "EUR")  # 3 x 12.00 x 7/28
    assert (invoice.subtotal, invoice.tax, invoice.total) == (Money(900, "EUR"), Money(180, "EUR"), Money(1080, "EUR"))


@given(st.integers(min_value=0, max_value=28 * 24 * 3600), st.integers(min_value=1, max_value=490))
def test_a_proration_never_costs_more_than_the_full_period(seconds_left: int, added: int) -> None:
    terms = active_monthly(seats=10, tax=1900)
    now = terms.current_period_end - timedelta(seconds=seconds_left)
    prorated = seats_added_invoice(terms, MONTHLY, added, now)
    full = renewal_invoice(replace(terms, seats_purchased=added), MONTHLY)
    assert 0 <= prorated.subtotal.amount <= full.subtotal.amount
    assert prorated.total.amount <= full.total.amount
    assert prorated.total == prorated.subtotal + prorated.tax


def test_adding_seats_needs_more_seats_within_the_plan_and_good_standing() -> None:
    terms = active_monthly(seats=10)
    assert add_seats(terms, MONTHLY, 12).seats_purchased == 12
    with pytest.raises(InvalidArgument):
        add_seats(terms, MONTHLY, 10)
    with pytest.raises(InvalidArgument) as too_many:
        add_seats(terms, MONTHLY, 501)
    assert too_many.value.violations[0].field == "seats"
    with pytest.raises(FailedPrecondition):
        add_seats(replace(terms, status=PAST_DUE), MONTHLY, 12)


def test_a_reduction_waits_for_the_renewal_and_never_goes_below_seats_in_use() -> None:
    terms = active_monthly(seats=10)
    with pytest.raises(FailedPrecondition) as refused:
        schedule_seat_reduction(terms, MONTHLY, 4, seats_in_use=5)
    assert refused.value.reason == "SEATS_IN_USE"
    reduced = schedule_seat_reduction(terms, MONTHLY, 5, seats_in_use=5)
    assert (reduced.seats_purchased, reduced.seats_at_renewal) == (10, 5)
    assert renew(reduced, MONTHLY, seats_in_use=5).seats_purchased == 5
    # More members joined before the renewal: they keep their seats.
    assert renew(reduced, MONTHLY, seats_in_use=7).seats_purchased == 7


def test_cancel_at_period_end_ends_the_subscription_at_renewal() -> None:
    terms = cancel_at_period_end(active_monthly())
    ended = renew(terms, MONTHLY, 3)
    assert (ended.status, ended.canceled_at) == (CANCELED, terms.current_period_end)
    with pytest.raises(FailedPrecondition):
        cancel_at_period_end(ended)


def test_dunning_retries_then_leaves_the_subscription_unpaid_until_it_is_paid() -> None:
    terms = active_monthly()
    now = terms.current_period_end
    for attempt, delay in enumerate(DUNNING_RETRY_DELAYS, start=1):
        terms = payment_failed(terms, now)
        assert (terms.status, terms.failed_payment_attempts) == (PAST_DUE, attempt)
        assert terms.next_payment_attempt_at == now + delay
    terms = payment_failed(terms, now)
    assert (terms.status, terms.next_payment_attempt_at) == (UNPAID, None)
    paid = payment_succeeded(terms)
    assert (paid.status, paid.failed_payment_attempts) == (ACTIVE, 0)


def test_a_renewal_invoice_bills_every_seat_for_the_period_with_tax() -> None:
    terms = renew(active_monthly(seats=7, tax=2100), MONTHLY, 0)
    invoice = renewal_invoice(terms, MONTHLY)
    assert (invoice.subtotal, invoice.tax, invoice.total) == (
        Money(8400, "EUR"),
        Money(1764, "EUR"),
        Money(10164, "EUR"),
    )


PRO_MONTHLY = replace(MONTHLY, id="pro-monthly", name="Pro", price_per_seat=Money(2000, "EUR"))
YEARLY = catalogue_plan("team-yearly")


def test_an_upgrade_applies_now_and_is_invoiced_less_the_unused_old_plan() -> None:
    terms = active_monthly(seats=10, tax=2000)
    now = terms.current_period_end - timedelta(days=7)  # a quarter of the 28-day period left
    upgraded, applies_now = change_plan(terms, MONTHLY, PRO_MONTHLY)
    assert applies_now and upgraded.plan_id == "pro-monthly"
    invoice = plan_change_invoice(terms, MONTHLY, upgraded, PRO_MONTHLY, now)
    assert [line.amount for line in invoice.lines] == [Money(5000, "EUR"), Money(-3000, "EUR")]
    assert (invoice.subtotal, invoice.tax, invoice.total) == (Money(2000, "EUR"), Money(400, "EUR"), Money(2400, "EUR"))


@given(st.integers(min_value=0, max_value=28 * 24 * 3600), st.integers(min_value=1, max_value=500))
def test_an_upgrade_never_costs_less_than_nothing_nor_more_than_the_new_plan(seconds_left: int, seats: int) -> None:
    terms = active_monthly(seats=seats)
    now = terms.current_period_end - timedelta(seconds=seconds_left)
    upgraded, _ = change_plan(terms, MONTHLY, PRO_MONTHLY)
    invoice = plan_change_invoice(terms, MONTHLY, upgraded, PRO_MONTHLY, now)
    assert 0 <= invoice.subtotal.amount <= PRO_MONTHLY.price_per_seat.times(seats).amount


def test_a_cheaper_plan_or_another_interval_waits_for_the_renewal() -> None:
    pro = replace(active_monthly(seats=10), plan_id="pro-monthly")
    downgraded, applies_now = change_plan(pro, PRO_MONTHLY, MONTHLY)
    assert (applies_now, downgraded.plan_id, downgraded.plan_at_renewal) == (False, "pro-monthly", "team-monthly")
    assert change_plan(downgraded, PRO_MONTHLY, PRO_MONTHLY)[0].plan_at_renewal is None  # taken back
    yearly, applies_now = change_plan(active_monthly(seats=10), MONTHLY, YEARLY)
    assert (applies_now, yearly.plan_at_renewal) == (False, "team-yearly")
    renewed = renew(yearly, MONTHLY, 3, YEARLY)
    assert (renewed.plan_id, renewed.plan_at_renewal) == ("team-yearly", None)
    assert renewed.current_period_start == yearly.current_period_end
    assert renewed.current_period_end == add_months(yearly.current_period_end, 12)
    assert renewal_invoice(renewed, YEARLY).total == Money(120000, "EUR")


def test_plan_changes_respect_currency_seat_limits_and_standing() -> None:
    terms = active_monthly(seats=10)
    with pytest.raises(FailedPrecondition) as currency:
        change_plan(terms, MONTHLY, replace(PRO_MONTHLY, price_per_seat=Money(2000, "USD")))
    assert currency.value.reason == "CURRENCY_MISMATCH"
    with pytest.raises(FailedPrecondition) as too_many:
        change_plan(terms, MONTHLY, replace(PRO_MONTHLY, maximum_seats=5))
    assert too_many.value.reason == "SEATS_ABOVE_PLAN_MAXIMUM"
    with pytest.raises(FailedPrecondition):
        change_plan(replace(terms, status=UNPAID), MONTHLY, PRO_MONTHLY)
    bigger, _ = change_plan(terms, MONTHLY, replace(PRO_MONTHLY, minimum_seats=25))
    assert bigger.seats_purchased == 25
    trial = open_subscription("org-1", MONTHLY, 10, NOW)
    switched, applies_now = change_plan(trial, MONTHLY, YEARLY)
    assert (applies_now, switched.plan_id) == (True, "team-yearly")


@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=40), st.integers(min_value=0, max_value=28 * 24 * 3600 - 1)),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from([0, 700, 1900, 2500]),
)
def test_any_sequence_of_seat_additions_adds_up_to_the_cent(additions: list[tuple[int, int]], tax: int) -> None:
    """Each addition's charge is the exact prorated price rounded once (never more than half a cent off), every
    invoice's total is its lines plus its tax to the cent, and the seats bought add up."""
    terms = active_monthly(seats=1, tax=tax)
    period = int((terms.current_period_end - terms.current_period_start).total_seconds())
    exact_total = Fraction(0)
    charged = 0
    # Additions happen in time order within the period.
    for added, seconds_in in sorted(additions, key=lambda a: a[1]):
        now = terms.current_period_start + timedelta(seconds=seconds_in)
        invoice = seats_added_invoice(terms, MONTHLY, added, now)
        remaining = int((terms.current_period_end - now).total_seconds())
        exact = Fraction(MONTHLY.price_per_seat.amount * added * remaining, period)
        assert abs(invoice.subtotal.amount - exact) <= Fraction(1, 2)
        assert invoice.subtotal.amount == sum(line.amount.amount for line in invoice.lines)
        assert invoice.total == invoice.subtotal + invoice.tax
        exact_total += exact
        charged += invoice.subtotal.amount
        terms = add_seats(terms, MONTHLY, terms.seats_purchased + added)
    assert abs(charged - exact_total) <= Fraction(len(additions), 2)
    assert terms.seats_purchased == 1 + sum(added for added, _ in additions)
