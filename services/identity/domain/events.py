"""Identity's domain events; the events room turns them into envelopes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.common.domain import DomainEvent
from services.identity.domain.model import Account, ApiKey, PasswordReset, Session
from services.identity.domain.policies import SecurityPolicy


@dataclass(frozen=True)
class AccountCreated(DomainEvent):
    account: Account


@dataclass(frozen=True)
class SessionStarted(DomainEvent):
    session: Session
    email: str


@dataclass(frozen=True)
class SessionEnded(DomainEvent):
    session: Session
    reason: str


@dataclass(frozen=True)
class SignInFailed(DomainEvent):
    email: str
    account_id: str
    organization_id: str
    reason: str


@dataclass(frozen=True)
class LoginLocked(DomainEvent):
    account: Account
    locked_until: datetime


@dataclass(frozen=True)
class SecurityPolicyUpdated(DomainEvent):
    before: SecurityPolicy
    after: SecurityPolicy


@dataclass(frozen=True)
class ApiKeyCreated(DomainEvent):
    api_key: ApiKey


@dataclass(frozen=True)
class CredentialRevoked(DomainEvent):
    api_key: ApiKey


@dataclass(frozen=True)
class PasswordChanged(DomainEvent):
    account: Account
    method: str
    revoked_sessions: int


@dataclass(frozen=True)
class PasswordResetRequested(DomainEvent):
    reset: PasswordReset
    email: str
    sent_by_admin: bool


@dataclass(frozen=True)
class MfaChanged(DomainEvent):
    account: Account
    enabled: bool
    revoked_sessions: int
