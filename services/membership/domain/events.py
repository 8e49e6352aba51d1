"""Domain events: what happened, in domain terms. The events room turns them into envelopes."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.domain import DomainEvent
from services.membership.domain.model import CustomRole, Group, Invitation, Member, Organization, ProfileField


@dataclass(frozen=True)
class OrganizationCreated(DomainEvent):
    organization: Organization
    owner: Member


@dataclass(frozen=True)
class MemberAdded(DomainEvent):
    member: Member


@dataclass(frozen=True)
class MemberInvited(DomainEvent):
    member: Member
    invitation: Invitation


@dataclass(frozen=True)
class InvitationResent(DomainEvent):
    """A pending invitation got a new link and expiry."""

    member: Member
    invitation: Invitation


@dataclass(frozen=True)
class MemberChanged(DomainEvent):
    """A member's role or status changed; `change` names the action (change_role, deactivate, reactivate, or
    accept for an accepted invitation), which the events room turns into the subject's verb."""

    member: Member
    change: str
    before: Member


@dataclass(frozen=True)
class MemberRemoved(DomainEvent):
    member: Member


@dataclass(frozen=True)
class OrganizationUpdated(DomainEvent):
    organization: Organization
    before: Organization


@dataclass(frozen=True)
class GroupChanged(DomainEvent):
    """A group was created, updated or deleted (`change`); `before` is its state before the change."""

    group: Group
    change: str
    before: Group


@dataclass(frozen=True)
class GroupMembersChanged(DomainEvent):
    """Members were `added` to or `removed` from a group (`change`)."""

    group: Group
    member_ids: tuple[str, ...]
    change: str
    as_admins: bool


@dataclass(frozen=True)
class MemberProfileChanged(DomainEvent):
    """Profile values of a member changed (`before` and `after` hold only the changed keys)."""

    member: Member
    before: dict[str, str]
    after: dict[str, str]


@dataclass(frozen=True)
class ProfileFieldChanged(DomainEvent):
    """A profile field was `saved` or `deleted`; `before` is the field as it was (None when created)."""

    organization_id: str
    field: ProfileField
    change: str
    before: ProfileField | None = None


@dataclass(frozen=True)
class CustomRoleChanged(DomainEvent):
    """A custom role was `saved` or `deleted`; `before` is the role as it was (None when created)."""

    role: CustomRole
    change: str
    before: CustomRole | None = None
