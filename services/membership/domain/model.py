"""Membership's entities, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class MemberStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    REMOVED = "removed"


@dataclass(frozen=True)
class Organization:
    id: str
    display_name: str
    created_at: datetime
    version: int = 1


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
    """The result of one invitee: a member, or a reason it failed."""

    email: str
    member: Member | None = None
    error_reason: str = ""
    error_message: str = ""


@dataclass(frozen=True)
class MemberQuery:
    organization_id: str
    limit: int
    after_id: str | None = None
    status: str | None = None
    email: str | None = None
    role: str | None = None
