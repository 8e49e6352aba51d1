"""Billing's domain events; the events room turns them into envelopes."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.domain import DomainEvent


@dataclass(frozen=True)
class SeatReserved(DomainEvent):
    organization_id: str
    member_id: str
    seats_in_use: int
    seats_purchased: int


@dataclass(frozen=True)
class SeatReleased(DomainEvent):
    organization_id: str
    member_id: str
