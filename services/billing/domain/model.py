"""Billing's entities and seat rules, pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.billing.domain.subscription import Subscription

SEAT_INVITED = "invited"
SEAT_ACTIVE = "active"
SEAT_RELEASED = "released"
# A seat held by ReserveSeat before membership's event for that member arrives; counted as invited.
SEAT_RESERVED = "reserved"
# Membership's events carry versions from 1; a hold is older than any of them, so the first event replaces it.
HOLD_VERSION = 0
# A hold no membership event confirmed within this time lapses and counts as free again.
SEAT_HOLD_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True)
class SeatHolder:
    organization_id: str
    member_id: str
    status: str
    version: int


@dataclass(frozen=True)
class StoredSeatHolder:
    """A seat holder as stored, with when it last changed (a hold's age decides whether it lapsed)."""

    holder: SeatHolder
    updated_at: datetime

    def holds_seat(self, hold_cutoff: datetime) -> bool:
        """Whether this row uses a seat now: a confirmed invited/active member, or a hold taken after the cutoff."""
        if self.holder.status == SEAT_RESERVED:
            return self.updated_at >= hold_cutoff
        return self.holder.status in (SEAT_INVITED, SEAT_ACTIVE)


@dataclass(frozen=True)
class SeatUsage:
    organization_id: str
    purchased: int
    active: int
    invited: int

    @property
    def in_use(self) -> int:
        return self.active + self.invited

    @property
    def available(self) -> int:
        return max(self.purchased - self.in_use, 0)


def seat_status(member_status: str, seat_consuming: bool) -> str:
    """Which seat a member holds: pending invitations and active members with seat.use hold one."""
    if seat_consuming and member_status in (SEAT_INVITED, SEAT_ACTIVE):
        return member_status
    return SEAT_RELEASED


def hold_cutoff(now: datetime) -> datetime:
    """Holds taken before this moment have lapsed."""
    return now - SEAT_HOLD_LIFETIME


def usage_from_counts(subscription: Subscription, counts: dict[str, int]) -> SeatUsage:
    """Seat usage; holds not yet confirmed by membership count as invited."""
    return SeatUsage(
        organization_id=subscription.organization_id,
        purchased=subscription.seats_purchased,
        active=counts.get(SEAT_ACTIVE, 0),
        invited=counts.get(SEAT_INVITED, 0) + counts.get(SEAT_RESERVED, 0),
    )
