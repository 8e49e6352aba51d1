"""Billing's entities and seat rules, pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

SEAT_INVITED = "invited"
SEAT_ACTIVE = "active"
SEAT_RELEASED = "released"


@dataclass(frozen=True)
class Subscription:
    organization_id: str
    seats_purchased: int
    created_at: datetime


@dataclass(frozen=True)
class SeatHolder:
    organization_id: str
    member_id: str
    status: str
    version: int


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
