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
    # When the person last proved their credentials in this session (sign-in or re-authentication).
    authenticated_at: datetime | None = None
    # Set when the account's permissions changed: the next use swaps the token for a new one.
    rotate_required: bool = False
    # The organization requires MFA and the account has none yet: only enrolment is allowed.
    mfa_enrollment_required: bool = False
    method: str = "password"


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
    kind: str = "api_key"


@dataclass(frozen=True)
class Membership:
    """What identity knows of a member, projected from membership's events."""

    organization_id: str
    member_id: str
    account_id: str
    permissions: frozenset[str]
    status: str
    version: int


API_KEY_KIND = "api_key"
SERVICE_ACCOUNT_KIND = "service_account"


@dataclass(frozen=True)
class TotpFactor:
    account_id: str
    secret: str
    created_at: datetime
    confirmed_at: datetime | None = None
    last_used_step: int | None = None


@dataclass(frozen=True)
class MfaChallenge:
    """A sign-in that proved the password and waits for the second factor."""

    id: str
    token_hash: str
    account_id: str
    organization_id: str
    created_at: datetime
    expires_at: datetime
    attempts: int = 0
    used_at: datetime | None = None


@dataclass(frozen=True)
class PasswordReset:
    id: str
    token_hash: str
    account_id: str
    created_at: datetime
    expires_at: datetime
    requested_by: str = ""
    used_at: datetime | None = None
