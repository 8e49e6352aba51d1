"""Domain events: what happened, in domain terms. The events room turns them into envelopes."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.domain import DomainEvent
from services.membership.domain.model import Invitation, Member, Organization


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
class MemberChanged(DomainEvent):
    """A member's role or status changed; `verb` names the change (role_changed, deactivated, activated)."""

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
