"""Billing's projection of what organizations use of their plans' features, from the owning services' events:
identity's SSO connections (an enabled one uses "sso"). Plan changes read it (domain/feature_use.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.events.v1 import envelope_pb2, identity_events_pb2

from services.billing.domain.feature_use import FeatureUse
from services.billing.domain.ports import BillingStore
from services.common.messaging import EventHandler

FEATURE_USE_CONSUMER = "billing-feature-use"
# A deleted connection's last word: no later event of it may bring it back.
DELETED_VERSION = 2**62


class FeatureUseProjection:
    def __init__(self, store: BillingStore):
        self._store = store

    async def on_sso_connection_changed(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        changed = identity_events_pb2.SsoConnectionChanged()
        envelope.payload.Unpack(changed)
        current = changed.after if changed.HasField("after") else changed.before
        use = FeatureUse("sso", current.id, current.name)
        if changed.HasField("after"):
            in_use, version = changed.after.enabled, changed.after.version
        else:
            in_use, version = False, DELETED_VERSION
        await self._store.bind(connection).record_feature_use(envelope.organization_id, use, in_use, version)

    def handlers(self) -> dict[str, EventHandler]:
        return dict.fromkeys(
            (f"identity.sso_connection.{change}" for change in ("created", "updated", "deleted")),
            self.on_sso_connection_changed,
        )
