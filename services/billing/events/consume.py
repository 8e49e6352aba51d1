"""Billing's projection of membership: organizations get a subscription, members hold seats."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.events.v1 import envelope_pb2

from services.billing.domain.model import SeatHolder, seat_status
from services.billing.domain.ports import BillingStore
from services.billing.domain.seat_holds import SeatHoldUseCases
from services.billing.domain.subscription_opening import SubscriptionOpener
from services.common.erasure import ORGANIZATION_DELETED
from services.common.member_events import MEMBER_EVENT_TYPES, member_state
from services.common.messaging import EventHandler
from services.common.principal import system_principal

log = logging.getLogger(__name__)

SEATS_CONSUMER = "billing-seats"
PROJECTION_ACTOR = system_principal("billing-seats")


class SeatProjection:
    def __init__(self, store: BillingStore, seat_holds: SeatHoldUseCases, opener: SubscriptionOpener):
        self._store = store
        self._seat_holds = seat_holds
        self._opener = opener

    async def on_organization_created(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        """A new organization subscribes to the default plan (unless a first ReserveSeat already opened it)."""
        await self._opener.open_if_absent(self._store.bind(connection), envelope.organization_id, PROJECTION_ACTOR)

    async def on_member_changed(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        member = member_state(envelope)
        holder = SeatHolder(
            organization_id=envelope.organization_id,
            member_id=member.member_id,
            status=seat_status(member.status, member.seat_consuming),
            version=member.version,
        )
        await self._seat_holds.apply_member_change(self._store.bind(connection), holder)

    async def on_organization_deleted(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        """The organization's deletion date passed: billing keeps only its invoicing records (store/deletion.py),
        in the consumer's transaction, so a redelivery finds nothing more to delete."""
        deleted = await self._store.bind(connection).erase_organization(envelope.organization_id)
        log.info("organization data deleted", extra={"organization_id": envelope.organization_id, "rows": deleted})

    def handlers(self) -> dict[str, EventHandler]:
        # The same consumer as the member events: membership's stream order puts the deletion after them.
        return {
            ORGANIZATION_DELETED: self.on_organization_deleted,
            "membership.organization.created": self.on_organization_created,
            **dict.fromkeys(MEMBER_EVENT_TYPES, self.on_member_changed),
        }
