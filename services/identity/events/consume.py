"""Identity's projection of membership: which account holds which permissions in which organization."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.common.clock import SystemClock
from services.common.messaging import EventHandler
from services.identity.domain.model import Membership
from services.identity.store.sql import SqlIdentityTransaction

MEMBERSHIPS_CONSUMER = "identity-memberships"
MEMBER_EVENT_VERBS = ("added", "invited", "activated", "deactivated", "removed", "role_changed", "updated")


def member_state(envelope: envelope_pb2.Envelope) -> membership_events_pb2.MemberChanged:
    """Every member.* event carries the member's full state, directly or inside MemberInvited."""
    invited = membership_events_pb2.MemberInvited()
    if envelope.payload.Is(invited.DESCRIPTOR):
        envelope.payload.Unpack(invited)
        return invited.member
    changed = membership_events_pb2.MemberChanged()
    if not envelope.payload.Unpack(changed):
        raise ValueError(f"{envelope.type} carries no member state")
    return changed


async def on_member_changed(connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
    member = member_state(envelope)
    if not member.account_id:
        return  # a pending invitation has no account yet
    await SqlIdentityTransaction(connection, None, SystemClock(), None).upsert_membership(
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
    return {f"membership.member.{verb}": on_member_changed for verb in MEMBER_EVENT_VERBS}
