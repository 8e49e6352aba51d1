"""Invoices, pure: line items, subtotal, tax and total, by the rounding rules of money.py."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from services.billing.domain.catalogue import Plan
from services.billing.domain.money import Money, prorate, tax_on
from services.billing.domain.periods import seconds_between
from services.billing.domain.subscription import BillingProfile, Subscription
from services.common.ids import new_id

INVOICE_OPEN = "open"
INVOICE_PAID = "paid"
INVOICE_VOID = "void"
INVOICE_STATUSES = (INVOICE_OPEN, INVOICE_PAID, INVOICE_VOID)

REASON_RENEWAL = "renewal"
REASON_SEATS_ADDED = "seats_added"
REASON_PLAN_CHANGED = "plan_changed"


@dataclass(frozen=True)
class InvoiceLine:
    description: str
    quantity: int
    unit_amount: Money
    amount: Money
    period_start: datetime
    period_end: datetime


@dataclass(frozen=True)
class InvoiceDraft:
    """An invoice before it has a number: its lines and the sums derived from them."""

    organization_id: str
    reason: str
    currency: str
    lines: tuple[InvoiceLine, ...]
    tax_rate_basis_points: int
    profile: BillingProfile
    period_start: datetime
    period_end: datetime

    @property
    def subtotal(self) -> Money:
        total = Money.zero(self.currency)
        for line in self.lines:
            total = total + line.amount
        return total

    @property
    def tax(self) -> Money:
        return tax_on(self.subtotal, self.tax_rate_basis_points)

    @property
    def total(self) -> Money:
        return self.subtotal + self.tax


@dataclass(frozen=True)
class Invoice:
    id: str
    number: str
    status: str
    issued_at: datetime
    draft: InvoiceDraft
    paid_at: datetime | None = None

    @property
    def total(self) -> Money:
        return self.draft.total


def renewal_invoice(subscription: Subscription, plan: Plan) -> InvoiceDraft:
    """The invoice of the subscription' current period: every seat at the plan's price."""
    line = InvoiceLine(
        description=f"{plan.name}: {subscription.seats_purchased} seats, {plan.interval}ly",
        quantity=subscription.seats_purchased,
        unit_amount=plan.price_per_seat,
        amount=plan.price_per_seat.times(subscription.seats_purchased),
        period_start=subscription.current_period_start,
        period_end=subscription.current_period_end,
    )
    return _draft(
        subscription, REASON_RENEWAL, (line,), subscription.current_period_start, subscription.current_period_end
    )


def seats_added_invoice(subscription: Subscription, plan: Plan, added_seats: int, now: datetime) -> InvoiceDraft:
    """The prorated charge for seats added now, until the end of the current period (rule 3, once per line)."""
    full = plan.price_per_seat.times(added_seats)
    remaining = seconds_between(now, subscription.current_period_end)
    period = seconds_between(subscription.current_period_start, subscription.current_period_end)
    amount = prorate(full, remaining, period)
    line = InvoiceLine(
        description=f"{plan.name}: {added_seats} seats added, prorated for the rest of the period",
        quantity=added_seats,
        unit_amount=plan.price_per_seat,
        amount=amount,
        period_start=now,
        period_end=subscription.current_period_end,
    )
    return _draft(subscription, REASON_SEATS_ADDED, (line,), now, subscription.current_period_end)


def plan_change_invoice(
    before: Subscription, current: Plan, after: Subscription, target: Plan, now: datetime
) -> InvoiceDraft:
    """An upgrade within the period: the new plan for the rest of the period, less the unused rest of the old
    one; each line prorated by rule 3, tax on the difference."""
    remaining = seconds_between(now, before.current_period_end)
    period = seconds_between(before.current_period_start, before.current_period_end)
    unused = prorate(current.price_per_seat.times(before.seats_purchased), remaining, period)
    new = prorate(target.price_per_seat.times(after.seats_purchased), remaining, period)
    lines = (
        InvoiceLine(
            description=f"{target.name}: {after.seats_purchased} seats, prorated for the rest of the period",
            quantity=after.seats_purchased,
            unit_amount=target.price_per_seat,
            amount=new,
            period_start=now,
            period_end=before.current_period_end,
        ),
        InvoiceLine(
            description=f"Unused time on {current.name}: {before.seats_purchased} seats",
            quantity=before.seats_purchased,
            unit_amount=current.price_per_seat,
            amount=-unused,
            period_start=now,
            period_end=before.current_period_end,
        ),
    )
    return _draft(after, REASON_PLAN_CHANGED, lines, now, before.current_period_end)


def _draft(
    subscription: Subscription, reason: str, lines: tuple[InvoiceLine, ...], start: datetime, end: datetime
) -> InvoiceDraft:
    return InvoiceDraft(
        organization_id=subscription.organization_id,
        reason=reason,
        currency=lines[0].unit_amount.currency,
        lines=lines,
        tax_rate_basis_points=subscription.profile.tax_rate_basis_points,
        profile=subscription.profile,
        period_start=start,
        period_end=end,
    )


def invoice_number(organization_id: str, sequence: int) -> str:
    """Invoice numbers run without gaps per organization: ORG8-000042."""
    return f"{organization_id.replace('-', '')[:8].upper()}-{sequence:06d}"


def issue_invoice(subscription: Subscription, draft: InvoiceDraft, now: datetime) -> tuple[Invoice, Subscription]:
    """A numbered open invoice and the subscription that counted it (gapless per organization: the counter lives
    on the locked subscription row)."""
    sequence = subscription.invoices_issued + 1
    invoice = Invoice(new_id(), invoice_number(subscription.organization_id, sequence), INVOICE_OPEN, now, draft)
    return invoice, replace(subscription, invoices_issued=sequence)
