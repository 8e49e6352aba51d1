"""Membership's entities, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from services.membership.domain.roles import BUILT_IN_ROLES as BUILT_IN_PERMISSIONS
from services.membership.domain.roles import SEAT_USE


class MemberStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    REMOVED = "removed"


class GroupCreationPolicy(StrEnum):
    """Who may create groups in an organization."""

    OWNERS = "owners"
    ADMINS = "admins"
    EVERYONE = "everyone"


@dataclass(frozen=True)
class Organization:
    id: str
    display_name: str
    created_at: datetime
    version: int = 1
    logo_url: str = ""
    brand_color: str = ""
    # The rest of the brand's colours (#RRGGBB), as Talkspirit's platform takes the charter's colours.
    secondary_color: str = ""
    accent_color: str = ""
    # Shown to people at their first sign-in (Talkspirit's welcome message): text, and a video's https address.
    welcome_message: str = ""
    welcome_video_url: str = ""
    group_creation_policy: GroupCreationPolicy = GroupCreationPolicy.ADMINS
    # Days an invitation link stays valid; 0 uses the service's default.
    invitation_ttl_days: int = 0
    # When the organization's data is to be deleted (billing: its subscription ended); None while it is not.
    deletion_scheduled_at: datetime | None = None
    # When an Owner's pending early deletion request deletes it; None while none is pending.
    requested_deletion_at: datetime | None = None


@dataclass(frozen=True)
class MemberCounts:
    active: int = 0
    invited: int = 0
    deactivated: int = 0


@dataclass(frozen=True)
class Member:
    id: str
    organization_id: str
    account_id: str | None
    email: str
    display_name: str
    role: str
    status: MemberStatus
    created_at: datetime
    updated_at: datetime
    version: int = 1
    last_sign_in_at: datetime | None = None
    # Values of the organization's shown profile fields, by key (filled where lists need them).
    profile: dict[str, str] = field(default_factory=dict)
    # Permissions of a custom role, resolved when the member is read or changed; None for built-in roles.
    custom_role_permissions: frozenset[str] | None = None
    # The identity provider's id of the person (SCIM externalId, SAML NameID); unique in the organization.
    external_id: str | None = None
    # The member's own seat switch (seat.use), apart from every admin right of the role: None follows the role,
    # False gives the seat up (an Owner who does not use the product), True adds one (an accountant who does).
    seat: bool | None = None

    @property
    def role_permissions(self) -> frozenset[str]:
        """What the member's role grants, before their seat switch."""
        if self.custom_role_permissions is not None:
            return self.custom_role_permissions
        return BUILT_IN_PERMISSIONS.get(self.role, frozenset())

    @property
    def permissions(self) -> frozenset[str]:
        """What the member holds: the role's rights, with seat.use as their seat switch says."""
        granted = self.role_permissions
        if self.seat is None:
            return granted
        return granted | {SEAT_USE} if self.seat else granted - {SEAT_USE}


@dataclass(frozen=True)
class Invitation:
    id: str
    organization_id: str
    member_id: str
    email: str
    role: str
    invited_by: str
    created_at: datetime
    expires_at: datetime
    token_version: int = 1


@dataclass(frozen=True)
class InviteOutcome:
    """The result of one invitee: a member, or a reason it failed. A retryable failure passes (billing could
    not be asked, a concurrent change): the same request tries that invitee again."""

    email: str
    member: Member | None = None
    error_reason: str = ""
    error_message: str = ""
    retryable: bool = False


class MemberOrder(StrEnum):
    """How member lists are sorted; each order has a matching index and keyset."""

    NEWEST = "create_time desc"
    NAME = "name"
    EMAIL = "email"


@dataclass(frozen=True)
class MemberQuery:
    organization_id: str
    limit: int
    after_id: str | None = None
    status: str | None = None
    email: str | None = None
    role: str | None = None
    group_id: str | None = None
    # Lower-case prefix of the email or of the name.
    search: str | None = None
    order: MemberOrder = MemberOrder.NEWEST
    # Sort value of the last row of the previous page, for orders other than NEWEST (with after_id).
    after_key: str | None = None


class GroupKind(StrEnum):
    TEAM = "team"
    WORKSPACE = "workspace"


@dataclass(frozen=True)
class Group:
    id: str
    organization_id: str
    name: str
    description: str
    kind: GroupKind
    category: str
    is_default: bool
    locked: bool
    created_at: datetime
    updated_at: datetime
    version: int = 1
    member_count: int = 0
    external_id: str | None = None
    scim_managed: bool = False


@dataclass(frozen=True)
class GroupMember:
    group_id: str
    member_id: str
    email: str
    display_name: str
    is_admin: bool
    added_at: datetime


@dataclass(frozen=True)
class GroupMemberOutcome:
    """The result of one member in one group: done, or why not."""

    member_id: str
    group_id: str
    error_reason: str = ""
    error_message: str = ""


@dataclass(frozen=True)
class GroupQuery:
    organization_id: str
    limit: int
    # Keyset position: groups sort by (lower-case name, id).
    after: tuple[str, str] | None = None
    kind: str | None = None
    category: str | None = None


class FieldType(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    DATE = "date"


@dataclass(frozen=True)
class ProfileField:
    key: str
    label: str
    type: FieldType
    choices: tuple[str, ...] = ()
    shown: bool = True
    position: int = 0


@dataclass(frozen=True)
class CustomRole:
    """A named permission set an organization defines besides the built-in roles."""

    organization_id: str
    key: str
    name: str
    permissions: frozenset[str]
    created_at: datetime
    version: int = 1


@dataclass(frozen=True)
class Avatar:
    """A member's picture (domain/avatars.py)."""

    content_type: str
    data: bytes
    # Hash of the picture: browsers revalidate by it.
    etag: str
    updated_at: datetime
