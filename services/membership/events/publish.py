"""Membership's domain events as envelopes on tenantry.membership.<entity>.<verb>."""

from __future__ import annotations

from enum import Enum

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
from services.membership.domain.model import Group, Member, Organization
from services.membership.domain.rules import holds_seat
from services.membership.domain.scim_dry_run import ScimSettingsChanged
from services.membership.domain.scim_holds import HeldChange, ScimChangeHeld, ScimHeldChangesDecided
from services.membership.domain.scim_true_up import ScimSeatTrueUp

PRODUCER = "membership"
envelopes = EnvelopeFactory(PRODUCER)


def member_changed(member: Member, before: Member | None = None) -> membership_events_pb2.MemberChanged:
    """The member's state after a change, with its role and status before it when it changed an existing member
    (the audit log shows both)."""
    permissions = member.permissions
    return membership_events_pb2.MemberChanged(
        previous_role=before.role if before else "",
        previous_status=before.status.value if before else "",
        previous_display_name=before.display_name if before else "",
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


# The organization's profile settings an update's audit entry shows before and after.
PROFILE_SETTINGS = (
    "display_name",
    "logo_url",
    "brand_color",
    "secondary_color",
    "accent_color",
    "welcome_message",
    "welcome_video_url",
    "group_creation_policy",
    "invitation_ttl_days",
)


def _setting(organization: Organization, name: str) -> str:
    value = getattr(organization, name)
    return str(value.value if isinstance(value, Enum) else value)


def _profile_changes(organization: Organization, other: Organization) -> dict[str, str]:
    """`organization`'s settings that differ from `other`'s (an update's before, or its after)."""
    return {
        name: _setting(organization, name)
        for name in PROFILE_SETTINGS
        if _setting(organization, name) != _setting(other, name)
    }


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
                    before=_profile_changes(before, organization),
                    after=_profile_changes(organization, before),
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
        case MemberChanged(member=member, change=change, before=before):
            verb = {
                "change_role": "role_changed",
                "deactivate": "deactivated",
                "reactivate": "activated",
                "accept": "activated",
                # An identity provider linked or updated an existing member (ProvisionMember).
                "provision": "activated",
                # The member's seat switch (domain/seat_switch.py).
                "set_seat": "seat_changed",
                # The member's own name (domain/profile_fields.py).
                "rename": "renamed",
                # The member's picture (domain/avatars.py).
                "avatar": "avatar_changed",
            }[change]
            return envelopes.wrap(
                event,
                event_type=f"member.{verb}",
                organization_id=member.organization_id,
                payload=member_changed(member, before),
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
                    previous_category=before.category if change == "updated" else "",
                    previous_is_default=before.is_default if change == "updated" else False,
                    previous_locked=before.locked if change == "updated" else False,
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
                    created=change == "saved" and event.before is None,
                    previous_label=event.before.label if event.before else "",
                    previous_choices=list(event.before.choices) if event.before else [],
                    previous_shown=event.before.shown if event.before else False,
                ),
                target=EventTarget("profile_field", field.key, field.label),
            )
        case CustomRoleChanged(role=role, change=change):
            return envelopes.wrap(
                event,
                event_type=f"role.{change}",
                organization_id=role.organization_id,
                payload=membership_events_pb2.CustomRoleChanged(
                    key=role.key,
                    name=role.name,
                    permissions=sorted(role.permissions),
                    created=change == "saved" and event.before is None,
                    previous_name=event.before.name if event.before else "",
                    previous_permissions=sorted(event.before.permissions) if event.before else [],
                ),
                target=EventTarget("role", role.key, role.name),
            )
        case ScimChangeHeld(change=change, counted=counted, limit=limit):
            return envelopes.wrap(
                event,
                event_type="scim_hold.held",
                organization_id=change.organization_id,
                payload=membership_events_pb2.ScimChangeHeld(change=_held_change(change), counted=counted, limit=limit),
                target=EventTarget("member", change.member_id),
            )
        case ScimHeldChangesDecided(organization_id=organization_id, decision=decision, changes=changes):
            return envelopes.wrap(
                event,
                event_type=f"scim_hold.{decision}",
                organization_id=organization_id,
                payload=membership_events_pb2.ScimHeldChangesDecided(changes=[_held_change(c) for c in changes]),
            )
        case ScimSettingsChanged(organization_id=organization_id, settings=settings, before=before):
            return envelopes.wrap(
                event,
                event_type="scim_settings.dry_run_disabled" if event.dry_run_disabled else "scim_settings.changed",
                organization_id=organization_id,
                payload=membership_events_pb2.ScimProvisioningSettingsChanged(
                    dry_run=settings.dry_run,
                    auto_purchase_seats=settings.auto_purchase_seats,
                    max_seats=settings.max_seats,
                    previous_dry_run=before.dry_run,
                ),
                target=EventTarget("organization", organization_id),
            )
        case ScimSeatTrueUp(organization_id=organization_id, member_id=member_id, outcome=outcome):
            return envelopes.wrap(
                event,
                event_type=f"scim_true_up.{outcome}",
                organization_id=organization_id,
                payload=membership_events_pb2.ScimSeatTrueUp(
                    member_id=member_id, seats_purchased=event.seats_purchased, max_seats=event.max_seats
                ),
                target=EventTarget("member", member_id),
            )
    raise TypeError(f"no envelope for {type(event).__name__}")


def _held_change(change: HeldChange) -> membership_events_pb2.HeldScimChange:
    return membership_events_pb2.HeldScimChange(
        change_id=change.id,
        member_id=change.member_id,
        action=change.action.value,
        requested_by=change.actor_id,
        held_at=timestamp(change.held_at),
    )


def _group_target(group: Group) -> EventTarget:
    return EventTarget("group", group.id, group.name)
