"""A seat change, pure: what the subscription becomes and what is charged now. ChangeSeats applies it and
PreviewSeatChange shows it, by this one function, so a preview's amounts are those then charged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.billing.domain.catalogue import Plan
from services.billing.domain.invoices import InvoiceDraft, seats_added_invoice
from services.billing.domain.subscription import TRIALING, Subscription, add_seats, schedule_seat_reduction
from services.common.errors import FailedPrecondition

SEATS_ADDED = "seats_added"
SEAT_REDUCTION_SCHEDULED = "seat_reduction_scheduled"


@dataclass(frozen=True)
class SeatChange:
    after: Subscription
    # The event's kind: seats added now, or fewer seats scheduled for the renewal.
    change: str
    # The prorated invoice for seats added now; None for a reduction or during a trial.
    charge_now: InvoiceDraft | None


def seat_change(before: Subscription, plan: Plan, seats: int, seats_in_use: int, now: datetime) -> SeatChange:
    """More seats than purchased are bought now (prorated to the period's end, free in a trial); fewer take
    effect at the renewal, never below the seats in use."""
    if seats > before.seats_purchased:
        after = add_seats(before, plan, seats)
        charge = (
            None
            if before.status == TRIALING
            else seats_added_invoice(before, plan, seats - before.seats_purchased, now)
        )
        return SeatChange(after, SEATS_ADDED, charge)
    return SeatChange(schedule_seat_reduction(before, plan, seats, seats_in_use), SEAT_REDUCTION_SCHEDULED, None)


def refuse_unless_charged_as_expected(charge_now: InvoiceDraft | None, expected_charge_minor: int | None) -> None:
    """A change (of seats or of plan) confirmed from a preview goes through only at the charge the preview showed
    (None: no check)."""
    if expected_charge_minor is None:
        return
    charged = charge_now.total.amount if charge_now is not None else 0
    if charged != expected_charge_minor:
        raise FailedPrecondition(
            "The charge for this change is no longer the one previewed; review it and confirm again.",
            reason="CHARGE_CHANGED",
            metadata={"charge_minor": str(charged)},
        )
