"""Automatic seat purchase (true-up): a SCIM create or reactivation that needs a seat while none is free buys one
through billing (prorated) when the organization allows it, as long as the seats purchased stay within its cap.
Billing decides each purchase under the subscription's lock (one seat, only when none is free, never past the
cap), so concurrent creates cannot overshoot. A bought seat taken meanwhile by a concurrent write leads to another
purchase within the cap. Beyond the cap the write is refused as without true-up (NO_SEATS_AVAILABLE) and nothing
of the member is written. Purchases and refusals (with or without true-up) are published for the audit log with
the SCIM token as actor. A seat
bought for a write that then fails stays bought (a purchase is invoiced at once; the seat is free for the next)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from services.common.domain import DomainEvent
from services.common.errors import FailedPrecondition
from services.common.principal import ACTOR_SCIM, Principal
from services.membership.domain.ports import Clock, MembershipStore, SeatReservations
from services.membership.domain.scim_dry_run import ScimSettingsTransaction

NO_SEATS_AVAILABLE = "NO_SEATS_AVAILABLE"
SEAT_CAP_REACHED = "SEAT_CAP_REACHED"
# Purchases one write may make when concurrent writes keep taking the seats it bought.
MAX_PURCHASES_PER_WRITE = 5


@dataclass(frozen=True)
class ScimSeatTrueUp(DomainEvent):
    """`outcome` is "seat_purchased" (a seat was bought for the member), "cap_reached" (none could be within the
    cap) or "no_seat" (none free and automatic purchase off): the last two refused the SCIM write."""

    organization_id: str
    member_id: str
    outcome: str
    seats_purchased: int
    max_seats: int


async def reserve_seat(
    seats: SeatReservations,
    store: MembershipStore,
    clock: Clock,
    principal: Principal,
    organization_id: str,
    member_id: str,
) -> None:
    """Hold a seat for the member, buying one first when a SCIM token asks, none is free and the organization's
    true-up allows it. Raises as SeatReservations.reserve does."""
    try:
        await seats.reserve(organization_id, member_id)
        return
    except FailedPrecondition as refused:
        if refused.reason != NO_SEATS_AVAILABLE or principal.actor_type != ACTOR_SCIM:
            raise
        async with store.read() as tx:
            settings = await cast(ScimSettingsTransaction, tx).provisioning_settings(organization_id)
        if not settings.auto_purchase_seats:
            await _publish(store, clock, principal, organization_id, member_id, "no_seat", -1, settings.max_seats)
            raise
        first_refusal = refused
    for attempt in range(MAX_PURCHASES_PER_WRITE):
        try:
            bought, purchased = await seats.true_up(
                organization_id, settings.max_seats, f"scim-true-up:{member_id}:{attempt}"
            )
        except FailedPrecondition as capped:
            if capped.reason != SEAT_CAP_REACHED:
                raise
            await _publish(store, clock, principal, organization_id, member_id, "cap_reached", -1, settings.max_seats)
            raise FailedPrecondition(
                f"Every seat is in use and automatic purchases reached the organization's cap of "
                f"{settings.max_seats} seats.",
                reason=NO_SEATS_AVAILABLE,
                metadata={"max_seats": str(settings.max_seats)},
            ) from capped
        if bought:
            await _publish(
                store, clock, principal, organization_id, member_id, "seat_purchased", purchased, settings.max_seats
            )
        try:
            await seats.reserve(organization_id, member_id)
            return
        except FailedPrecondition as refused:
            if refused.reason != NO_SEATS_AVAILABLE:
                raise
            # A concurrent write took the seat: buy another, still within the cap.
    raise first_refusal


async def _publish(
    store: MembershipStore,
    clock: Clock,
    principal: Principal,
    organization_id: str,
    member_id: str,
    outcome: str,
    purchased: int,
    max_seats: int,
) -> None:
    async with store.write() as tx:
        await tx.record_events(
            ScimSeatTrueUp(principal, clock.now(), organization_id, member_id, outcome, max(purchased, 0), max_seats)
        )
