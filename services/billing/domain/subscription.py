"""A subscription's life, pure: statuses and their transitions, seat changes, cancellation, renewal and dunning.

trialing -> active | past_due | canceled
active   -> past_due | canceled
past_due -> active | unpaid | canceled
unpaid   -> active | canceled
canceled is final.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from services.billing.domain.catalogue import Plan
from services.billing.domain.payments import PaymentMethod
from services.billing.domain.periods import period_end
from services.common.errors import FailedPrecondition, InvalidArgument, PreconditionViolation, Violations

TRIALING = "trialing"
ACTIVE = "active"
PAST_DUE = "past_due"
UNPAID = "unpaid"
CANCELED = "canceled"
STATUSES = (TRIALING, ACTIVE, PAST_DUE, UNPAID, CANCELED)

TRANSITIONS: dict[str, frozenset[str]] = {
    TRIALING: frozenset({ACTIVE, PAST_DUE, CANCELED}),
    ACTIVE: frozenset({PAST_DUE, CANCELED}),
    PAST_DUE: frozenset({ACTIVE, UNPAID, CANCELED}),
    UNPAID: frozenset({ACTIVE, CANCELED}),
    CANCELED: frozenset(),
}

# After a failed collection, retry after these delays; when the last retry fails too, the subscription is unpaid.
DUNNING_RETRY_DELAYS = (timedelta(days=1), timedelta(days=3), timedelta(days=5))


@dataclass(frozen=True)
class BillingProfile:
    """Who is invoiced: printed on every invoice issued after a change."""

    legal_name: str = ""
    address: str = ""
    country: str = ""
    vat_id: str = ""
    tax_rate_basis_points: int = 0
    billing_email: str = ""


@dataclass(frozen=True)
class Subscription:
    """What an organization has bought and where it is in its life."""

    organization_id: str
    plan_id: str
    status: str
    seats_purchased: int
    period_anchor: datetime
    periods_elapsed: int
    current_period_start: datetime
    current_period_end: datetime
    cancel_at_period_end: bool = False
    seats_at_renewal: int | None = None
    # A plan change scheduled for the next renewal (a cheaper plan, or another interval).
    plan_at_renewal: str | None = None
    failed_payment_attempts: int = 0
    next_payment_attempt_at: datetime | None = None
    canceled_at: datetime | None = None
    profile: BillingProfile = field(default_factory=BillingProfile)
    payment_method: PaymentMethod = field(default_factory=PaymentMethod)
    invoices_issued: int = 0
    version: int = 1
    # Credit notes numbered so far (their own gapless sequence).
    credit_notes_issued: int = 0

    @property
    def renewal_seats(self) -> int:
        return self.seats_at_renewal if self.seats_at_renewal is not None else self.seats_purchased


def move(subscription: Subscription, status: str) -> Subscription:
    """The subscription in a new status, if that transition is allowed; staying put is always allowed."""
    if status == subscription.status:
        return subscription
    if status not in TRANSITIONS[subscription.status]:
        raise FailedPrecondition(
            f"A {subscription.status} subscription cannot become {status}.",
            [
                PreconditionViolation(
                    "STATUS", f"organizations/{subscription.organization_id}/subscription", subscription.status
                )
            ],
            reason="INVALID_SUBSCRIPTION_STATUS",
        )
    return replace(subscription, status=status)


def open_subscription(organization_id: str, plan: Plan, seats: int, now: datetime) -> Subscription:
    """A new organization's subscription: a trial when the plan has one, else an active first period."""
    seats = min(max(seats, plan.minimum_seats), plan.maximum_seats)
    if plan.trial_days > 0:
        return Subscription(
            organization_id, plan.id, TRIALING, seats, now + timedelta(days=plan.trial_days), 0, now,
            now + timedelta(days=plan.trial_days),
        )  # fmt: skip
    return Subscription(organization_id, plan.id, ACTIVE, seats, now, 1, now, period_end(now, 1, plan.interval))


def _refuse_unless_in_good_standing(subscription: Subscription) -> None:
    if subscription.status in (CANCELED, UNPAID, PAST_DUE):
        raise FailedPrecondition(
            f"The subscription is {subscription.status}; settle or renew it first.",
            [
                PreconditionViolation(
                    "STATUS", f"organizations/{subscription.organization_id}/subscription", subscription.status
                )
            ],
            reason="SUBSCRIPTION_NOT_IN_GOOD_STANDING",
            metadata={"status": subscription.status},
        )


def validate_seat_count(plan: Plan, seats: int) -> None:
    violations = Violations()
    if not plan.minimum_seats <= seats <= plan.maximum_seats:
        violations.add("seats", f"The {plan.name} plan has {plan.minimum_seats} to {plan.maximum_seats} seats.")
    violations.raise_if_any()


def add_seats(subscription: Subscription, plan: Plan, seats: int) -> Subscription:
    """More seats now (the caller invoices the prorated difference); a scheduled reduction is dropped."""
    _refuse_unless_in_good_standing(subscription)
    validate_seat_count(plan, seats)
    if seats <= subscription.seats_purchased:
        raise InvalidArgument("Adding seats needs more than the seats purchased.")
    return replace(subscription, seats_purchased=seats, seats_at_renewal=None)


def schedule_seat_reduction(subscription: Subscription, plan: Plan, seats: int, seats_in_use: int) -> Subscription:
    """Fewer seats from the next period on, never fewer than the seats in use now."""
    if subscription.status == CANCELED:
        _refuse_unless_in_good_standing(subscription)
    validate_seat_count(plan, seats)
    if seats < seats_in_use:
        raise FailedPrecondition(
            f"{seats_in_use} seats are in use; free some before reducing to {seats}.",
            [
                PreconditionViolation(
                    "SEATS",
                    f"organizations/{subscription.organization_id}/subscription",
                    f"{seats_in_use} seats in use",
                )
            ],
            reason="SEATS_IN_USE",
            metadata={"in_use": str(seats_in_use)},
        )
    return replace(subscription, seats_at_renewal=None if seats == subscription.seats_purchased else seats)


def cancel_at_period_end(subscription: Subscription) -> Subscription:
    if subscription.status == CANCELED:
        raise FailedPrecondition("The subscription is already canceled.", reason="SUBSCRIPTION_CANCELED")
    return replace(subscription, cancel_at_period_end=True)


def resume(subscription: Subscription) -> Subscription:
    if subscription.status == CANCELED:
        raise FailedPrecondition("A canceled subscription cannot resume.", reason="SUBSCRIPTION_CANCELED")
    return replace(subscription, cancel_at_period_end=False)


def is_due_for_renewal(subscription: Subscription, now: datetime) -> bool:
    return subscription.status != CANCELED and now >= subscription.current_period_end


def renew(subscription: Subscription, plan: Plan, seats_in_use: int, next_plan: Plan | None = None) -> Subscription:
    """The next period (the caller invoices it and collects), or the end of a subscription canceled at period end.
    A scheduled reduction takes effect, though never below the seats in use at the renewal; so does a scheduled
    plan change (`next_plan`), whose periods start from this renewal when its interval differs."""
    if subscription.cancel_at_period_end:
        return replace(move(subscription, CANCELED), canceled_at=subscription.current_period_end)
    target = next_plan or plan
    seats = min(
        max(subscription.renewal_seats, seats_in_use, target.minimum_seats), max(target.maximum_seats, seats_in_use)
    )
    anchor, periods = subscription.period_anchor, subscription.periods_elapsed + 1
    if target.interval != plan.interval:
        anchor, periods = subscription.current_period_end, 1
    return replace(
        subscription,
        plan_id=target.id,
        plan_at_renewal=None,
        seats_purchased=seats,
        seats_at_renewal=None,
        period_anchor=anchor,
        periods_elapsed=periods,
        current_period_start=subscription.current_period_end,
        current_period_end=period_end(anchor, periods, target.interval),
    )


def change_plan(subscription: Subscription, current: Plan, target: Plan) -> tuple[Subscription, bool]:
    """Another plan: at once when it costs more for the same interval (the caller invoices the prorated
    difference) or while trialing; at the next renewal otherwise (cheaper, or another interval). Returns the
    subscription and whether the change applies now. Choosing the current plan drops a scheduled change."""
    _refuse_unless_in_good_standing(subscription)
    if target.id == current.id:
        return replace(subscription, plan_at_renewal=None), False
    if target.currency != current.currency:
        raise FailedPrecondition(
            f"The {target.name} plan is billed in {target.currency}, this subscription in {current.currency}.",
            reason="CURRENCY_MISMATCH",
        )
    seats = max(subscription.seats_purchased, target.minimum_seats)
    if seats > target.maximum_seats:
        raise FailedPrecondition(
            f"The {target.name} plan has at most {target.maximum_seats} seats; "
            f"{subscription.seats_purchased} are purchased.",
            reason="SEATS_ABOVE_PLAN_MAXIMUM",
            metadata={"maximum_seats": str(target.maximum_seats)},
        )
    costs_more = target.price_per_seat.amount * seats > current.price_per_seat.amount * subscription.seats_purchased
    if subscription.status == TRIALING or (target.interval == current.interval and costs_more):
        return replace(
            subscription, plan_id=target.id, seats_purchased=seats, seats_at_renewal=None, plan_at_renewal=None
        ), True
    return replace(subscription, plan_at_renewal=target.id), False


def payment_succeeded(subscription: Subscription) -> Subscription:
    paid = subscription if subscription.status == CANCELED else move(subscription, ACTIVE)
    return replace(paid, failed_payment_attempts=0, next_payment_attempt_at=None)


def payment_failed(subscription: Subscription, now: datetime) -> Subscription:
    """Dunning: past_due with a retry scheduled, then unpaid once every retry has failed."""
    if subscription.status == CANCELED:
        return subscription
    attempts = subscription.failed_payment_attempts + 1
    if attempts > len(DUNNING_RETRY_DELAYS):
        return replace(move(subscription, UNPAID), failed_payment_attempts=attempts, next_payment_attempt_at=None)
    return replace(
        move(subscription, PAST_DUE),
        failed_payment_attempts=attempts,
        next_payment_attempt_at=now + DUNNING_RETRY_DELAYS[attempts - 1],
    )
