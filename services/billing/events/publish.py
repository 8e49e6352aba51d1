"""Billing's domain events as envelopes on tenantry.billing.<entity>.<verb>."""

from __future__ import annotations

from tenantry.events.v1 import billing_events_pb2, envelope_pb2

from services.billing.domain.events import SeatReleased, SeatReserved
from services.common.domain import DomainEvent
from services.common.messaging import EventTarget, actor_from_principal, new_envelope

PRODUCER = "billing"


def to_envelope(event: DomainEvent) -> envelope_pb2.Envelope:
    common = {
        "producer": PRODUCER,
        "actor": actor_from_principal(event.actor),
        "occurred_at": event.occurred_at,
        "request_id": event.request_id,
    }
    match event:
        case SeatReserved():
            return new_envelope(
                event_type="seat.reserved",
                organization_id=event.organization_id,
                payload=billing_events_pb2.SeatReserved(
                    organization_id=event.organization_id,
                    member_id=event.member_id,
                    seats_in_use=event.seats_in_use,
                    seats_purchased=event.seats_purchased,
                ),
                target=EventTarget("member", event.member_id),
                **common,
            )
        case SeatReleased():
            return new_envelope(
                event_type="seat.released",
                organization_id=event.organization_id,
                payload=billing_events_pb2.SeatReleased(
                    organization_id=event.organization_id, member_id=event.member_id
                ),
                target=EventTarget("member", event.member_id),
                **common,
            )
    raise TypeError(f"billing has no envelope for {type(event).__name__}")
