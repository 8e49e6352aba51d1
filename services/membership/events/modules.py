"""Module switches as envelopes on tenantry.membership.module.switched (recorded by the access store's outbox)."""

from __future__ import annotations

from tenantry.events.v1 import envelope_pb2, module_events_pb2

from services.common.domain import DomainEvent
from services.common.messaging import EventTarget
from services.membership.domain.access import ModuleSwitched
from services.membership.events.publish import envelopes


def module_envelope(event: DomainEvent) -> envelope_pb2.Envelope:
    if not isinstance(event, ModuleSwitched):
        raise TypeError(f"the access store has no envelope for {type(event).__name__}")
    switch = event.switch
    return envelopes.wrap(
        event,
        event_type="module.switched",
        organization_id=switch.organization_id,
        payload=module_events_pb2.ModuleSwitched(
            organization_id=switch.organization_id,
            module_id=switch.module_id,
            group_id=switch.group_id,
            enabled=switch.enabled,
            version=switch.version,
        ),
        target=EventTarget("module", switch.module_id, switch.group_id),
    )
