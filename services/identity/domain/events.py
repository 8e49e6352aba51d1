"""Identity's domain events; the events room turns them into envelopes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.common.domain import DomainEvent
from services.identity.domain.model import Account, Session


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
