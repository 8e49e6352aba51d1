"""An organization's deletion and its legal hold as envelopes (recorded by the deletion store's outbox):
tenantry.membership.organization.deleted, .deletion_hold_placed, .deletion_hold_lifted, and an Owner's
.deletion_requested and .deletion_canceled."""

from __future__ import annotations

from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.common.domain import DomainEvent
from services.common.messaging import EventTarget, timestamp
from services.membership.domain.deletion import DeletionHoldChanged, OrganizationDeleted
from services.membership.domain.early_deletion import DeletionRequestChanged
from services.membership.events.publish import envelopes


def deletion_envelope(event: DomainEvent) -> envelope_pb2.Envelope:
    match event:
        case OrganizationDeleted(organization_id=organization_id, scheduled_at=scheduled_at):
            return envelopes.wrap(
                event,
                event_type="organization.deleted",
                organization_id=organization_id,
                payload=membership_events_pb2.OrganizationDeleted(
                    organization_id=organization_id,
                    deleted_time=timestamp(event.occurred_at),
                    scheduled_time=timestamp(scheduled_at) if scheduled_at else None,
                ),
                target=EventTarget("organization", organization_id),
            )
        case DeletionHoldChanged(organization_id=organization_id, hold=hold, reason=reason):
            return envelopes.wrap(
                event,
                event_type="organization.deletion_hold_placed" if hold else "organization.deletion_hold_lifted",
                organization_id=organization_id,
                payload=membership_events_pb2.OrganizationDeletionHoldChanged(
                    organization_id=organization_id, hold=hold, reason=reason
                ),
                target=EventTarget("organization", organization_id),
            )
        case DeletionRequestChanged(organization_id=organization_id, requested=requested):
            return envelopes.wrap(
                event,
                event_type="organization.deletion_requested" if requested else "organization.deletion_canceled",
                organization_id=organization_id,
                payload=membership_events_pb2.OrganizationDeletionRequestChanged(
                    organization_id=organization_id,
                    requested_deletion_time=timestamp(event.requested_deletion_at),
                    display_name=event.display_name,
                ),
                target=EventTarget("organization", organization_id),
            )
    raise TypeError(f"the deletion store has no envelope for {type(event).__name__}")
