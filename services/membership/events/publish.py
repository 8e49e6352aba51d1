"""Membership's domain events as envelopes on tenantry.membership.<entity>.<verb>."""

from __future__ import annotations

from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.common.messaging import EnvelopeFactory, EventTarget, timestamp
from services.membership.domain.events import (
    CustomRoleChanged,
    DomainEvent,
    GroupChanged,
    GroupMembersChanged,
    InvitationResent,
    MemberAdded,
    MemberChanged,
    MemberInvited,
    MemberProfileChanged,
    MemberRemoved,
    OrganizationCreated,
    OrganizationUpdated,
    ProfileFieldChanged,
)
from services.membership.domain.model import Group, Member
from services.membership.domain.rules import holds_seat

PRODUCER = "membership"
envelopes = EnvelopeFactory(PRODUCER)


def member_changed(member: Member) -> membership_events_pb2.MemberChanged:
    permissions = member.permissions
    return membership_events_pb2.MemberChanged(
        member_id=member.id,
        account_id=member.account_id or "",
        email=member.email,
        display_name=member.display_name,
        role=member.role,
        permissions=sorted(permissions),
        status=member.status.value,
        seat_consuming=holds_seat(member),
        version=member.version,
    )


def _member_target(member: Member) -> EventTarget:
    return EventTarget("member", member.id, member.email)


def to_envelope(event: DomainEvent) -> envelope_pb2.Envelope:
    match event:
        case OrganizationCreated(organization=organization, owner=owner):
            return envelopes.wrap(
                event,
                event_type="organization.created",
                organization_id=organization.id,
                payload=membership_events_pb2.OrganizationCreated(
                    organization_id=organization.id,
                    display_name=organization.display_name,
                    owner_account_id=owner.account_id or "",
                ),
                target=EventTarget("organization", organization.id, organization.display_name),
            )
        case OrganizationUpdated(organization=organization, before=before):
            return envelopes.wrap(
                event,
                event_type="organization.updated",
                organization_id=organization.id,
                payload=membership_events_pb2.OrganizationUpdated(
                    organization_id=organization.id,
                    display_name=organization.display_name,
                    previous_display_name=before.display_name,
                    version=organization.version,
                ),
                target=EventTarget("organization", organization.id, organization.display_name),
            )
        case MemberAdded(member=member):
            return envelopes.wrap(
                event,
                event_type="member.added",
                organization_id=member.organization_id,
                payload=member_changed(member),
                target=_member_target(member),
            )
        case (
            MemberInvited(member=member, invitation=invitation) | InvitationResent(member=member, invitation=invitation)
        ):
            return envelopes.wrap(
                event,
                event_type="member.invited" if isinstance(event, MemberInvited) else "member.invitation_resent",
                organization_id=member.organization_id,
                payload=membership_events_pb2.MemberInvited(
                    member=member_changed(member),
                    invitation_id=invitation.id,
                    expires_at=timestamp(invitation.expires_at),
                ),
                target=_member_target(member),
            )
        case MemberChanged(member=member, change=change):
            verb = {
                "change_role": "role_changed",
                "deactivate": "deactivated",
                "reactivate": "activated",
                "accept": "activated",
            }[change]
            return envelopes.wrap(
                event,
                event_type=f"member.{verb}",
                organization_id=member.organization_id,
                payload=member_changed(member),
                target=_member_target(member),
            )
        case MemberRemoved(member=member):
            return envelopes.wrap(
                event,
                event_type="member.removed",
                organization_id=member.organization_id,
                payload=member_changed(member),
                target=_member_target(member),
            )
        case GroupChanged(group=group, change=change, before=before):
            return envelopes.wrap(
                event,
                event_type=f"group.{change}",
                organization_id=group.organization_id,
                payload=membership_events_pb2.GroupChanged(
                    group_id=group.id,
                    name=group.name,
                    kind=group.kind.value,
                    category=group.category,
                    is_default=group.is_default,
                    locked=group.locked,
                    version=group.version,
                    previous_name=before.name if change == "updated" else "",
                ),
                target=_group_target(group),
            )
        case GroupMembersChanged(group=group, member_ids=member_ids, change=change, as_admins=as_admins):
            return envelopes.wrap(
                event,
                event_type=f"group.members_{change}",
                organization_id=group.organization_id,
                payload=membership_events_pb2.GroupMembersChanged(
                    group_id=group.id, group_name=group.name, member_ids=list(member_ids), as_admins=as_admins
                ),
                target=_group_target(group),
            )
        case MemberProfileChanged(member=member, before=before, after=after):
            return envelopes.wrap(
                event,
                event_type="member.profile_changed",
                organization_id=member.organization_id,
                payload=membership_events_pb2.MemberProfileChanged(member_id=member.id, before=before, after=after),
                target=_member_target(member),
            )
        case ProfileFieldChanged(organization_id=organization_id, field=field, change=change):
            return envelopes.wrap(
                event,
                event_type=f"profile_field.{change}",
                organization_id=organization_id,
                payload=membership_events_pb2.ProfileFieldChanged(
                    key=field.key,
                    label=field.label,
                    type=field.type.value,
                    choices=list(field.choices),
                    shown=field.shown,
                ),
                target=EventTarget("profile_field", field.key, field.label),
            )
        case CustomRoleChanged(role=role, change=change):
            return envelopes.wrap(
                event,
                event_type=f"role.{change}",
                organization_id=role.organization_id,
                payload=membership_events_pb2.CustomRoleChanged(
                    key=role.key, name=role.name, permissions=sorted(role.permissions)
                ),
                target=EventTarget("role", role.key, role.name),
            )
    raise TypeError(f"no envelope for {type(event).__name__}")


def _group_target(group: Group) -> EventTarget:
    return EventTarget("group", group.id, group.name)
