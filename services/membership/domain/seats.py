"""Seats held in billing around a membership write. Billing is another service: a seat is held before the
write's transaction, never inside it, and a hold the write did not use is given back."""

from __future__ import annotations

import logging

from services.membership.domain.ports import SeatReservations

log = logging.getLogger(__name__)


async def give_back_seat(seats: SeatReservations, organization_id: str, member_id: str) -> None:
    """Best effort: a hold that is not given back lapses in billing on its own."""
    try:
        await seats.release(organization_id, member_id)
    except Exception:
        log.warning("could not give back a seat hold", extra={"member_id": member_id}, exc_info=True)
