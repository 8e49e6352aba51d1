"""Identity's projection of membership: which account holds which permissions in which organization."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.events.v1 import envelope_pb2

from services.common.member_events import MEMBER_EVENT_TYPES, member_state
from services.common.messaging import EventHandler
from services.identity.domain.model import Membership
from services.identity.store.sql import SqlIdentityTransaction

MEMBERSHIPS_CONSUMER = "identity-memberships"


async def on_member_changed(connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
    member = member_state(envelope)
    if not member.account_id:
        return  # a pending invitation has no account yet
    await SqlIdentityTransaction(connection).upsert_membership(
        Membership(
            organization_id=envelope.organization_id,
            member_id=member.member_id,
            account_id=member.account_id,
            permissions=frozenset(member.permissions),
            status=member.status,
            version=member.version,
        )
    )


def handlers() -> dict[str, EventHandler]:
    return dict.fromkeys(MEMBER_EVENT_TYPES, on_member_changed)
