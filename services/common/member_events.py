"""Reading membership's member events, which several services project (identity, billing)."""

from __future__ import annotations

from tenantry.events.v1 import envelope_pb2, membership_events_pb2

MEMBER_EVENT_VERBS = (
    "added",
    "invited",
    "activated",
    "deactivated",
    "removed",
    "role_changed",
    "seat_changed",
    "renamed",
    "avatar_changed",
)
MEMBER_EVENT_TYPES = tuple(f"membership.member.{verb}" for verb in MEMBER_EVENT_VERBS)


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
