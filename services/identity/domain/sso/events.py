"""SSO's domain events; the events room turns them into envelopes (audited with before and after)."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.domain import DomainEvent
from services.identity.domain.sso.model import SsoConnection, SsoDomain, SsoPolicy


@dataclass(frozen=True)
class SsoConnectionChanged(DomainEvent):
    # created, updated, deleted, certificate_added, certificate_removed, metadata_imported, metadata_refreshed,
    # metadata_refresh_failed, sp_key_rotated, sp_key_retired
    change: str
    before: SsoConnection | None
    after: SsoConnection | None


@dataclass(frozen=True)
class SsoDomainChanged(DomainEvent):
    change: str  # added, verified, removed
    before: SsoDomain | None
    after: SsoDomain | None


@dataclass(frozen=True)
class SsoPolicyUpdated(DomainEvent):
    before: SsoPolicy
    after: SsoPolicy
    ended_sessions: int


@dataclass(frozen=True)
class SsoSignedIn(DomainEvent):
    organization_id: str
    connection_id: str
    account_id: str
    email: str
    issuer: str
    subject: str
    session_id: str
    member_created: bool
    # Why the mapped role was not given to the existing member (who signed in with their role); "" otherwise.
    role_refused: str = ""


@dataclass(frozen=True)
class SsoSignInRejected(DomainEvent):
    organization_id: str
    connection_id: str
    protocol: str
    reason: str
