"""Membership's entities as MembershipService's proto messages (and back for profile field types)."""

from __future__ import annotations

from typing import Any

from tenantry.membership.v1 import membership_service_pb2 as pb

from services.common.messaging import timestamp
from services.membership.domain.members import member_etag
from services.membership.domain.model import CustomRole, FieldType, Member, MemberStatus, ProfileField
from services.membership.domain.organizations import OrganizationOverview, organization_etag
from services.membership.domain.roles import is_seat_consuming

_STATUS = {
    MemberStatus.INVITED: pb.MEMBER_STATUS_INVITED,
    MemberStatus.ACTIVE: pb.MEMBER_STATUS_ACTIVE,
    MemberStatus.DEACTIVATED: pb.MEMBER_STATUS_DEACTIVATED,
}


def member_to_proto(member: Member) -> pb.Member:
    return pb.Member(
        id=member.id,
        organization_id=member.organization_id,
        account_id=member.account_id or "",
        email=member.email,
        display_name=member.display_name,
        role=member.role,
        status=_STATUS.get(member.status, pb.MEMBER_STATUS_UNSPECIFIED),
        create_time=timestamp(member.created_at),
        etag=member_etag(member),
        last_sign_in_time=timestamp(member.last_sign_in_at) if member.last_sign_in_at else None,
        profile=member.profile,
        uses_seat=is_seat_consuming(member.permissions),
    )


def member_result(member: Member | None, error_reason: str, error_message: str) -> dict[str, Any]:
    """The fields every per-member result of a batch shares (invitation, bulk action, import row)."""
    return {
        "member": member_to_proto(member) if member else None,
        "error_reason": error_reason,
        "error_message": error_message,
    }


def organization_to_proto(overview: OrganizationOverview) -> pb.Organization:
    organization = overview.organization
    return pb.Organization(
        id=organization.id,
        display_name=organization.display_name,
        create_time=timestamp(organization.created_at),
        active_member_count=overview.counts.active,
        invited_member_count=overview.counts.invited,
        deactivated_member_count=overview.counts.deactivated,
        etag=organization_etag(organization),
        logo_url=organization.logo_url,
        brand_color=organization.brand_color,
        secondary_color=organization.secondary_color,
        accent_color=organization.accent_color,
        welcome_message=organization.welcome_message,
        welcome_video_url=organization.welcome_video_url,
        group_creation_policy=organization.group_creation_policy.value,
        invitation_ttl_days=organization.invitation_ttl_days,
        deletion_time=timestamp(organization.deletion_scheduled_at) if organization.deletion_scheduled_at else None,
        requested_deletion_time=(
            timestamp(organization.requested_deletion_at) if organization.requested_deletion_at else None
        ),
    )


FIELD_TYPES = {
    pb.PROFILE_FIELD_TYPE_TEXT: FieldType.TEXT.value,
    pb.PROFILE_FIELD_TYPE_CHOICE: FieldType.CHOICE.value,
    pb.PROFILE_FIELD_TYPE_DATE: FieldType.DATE.value,
}
_FIELD_TYPE_CODES = {name: code for code, name in FIELD_TYPES.items()}


def field_to_proto(field: ProfileField) -> pb.ProfileField:
    return pb.ProfileField(
        key=field.key,
        label=field.label,
        type=_FIELD_TYPE_CODES[field.type.value],
        choices=list(field.choices),
        shown=field.shown,
    )


def role_to_proto(role: CustomRole) -> pb.Role:
    return pb.Role(key=role.key, name=role.name, permissions=sorted(role.permissions))
