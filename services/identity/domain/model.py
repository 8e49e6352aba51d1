"""Identity's entities, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Account:
    id: str
    email: str
    display_name: str
    password_hash: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class Session:
    id: str
    token_hash: str
    account_id: str
    organization_id: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    ip_address: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class ApiKey:
    id: str
    organization_id: str
    name: str
    prefix: str
    secret_hash: str
    permissions: frozenset[str]
    created_by: str
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class Membership:
    """What identity knows of a member, projected from membership's events."""

    organization_id: str
    member_id: str
    account_id: str
    permissions: frozenset[str]
    status: str
    version: int
