"""What SSO's use cases need: its part of identity's transaction, the SAML library, DNS, the plan's
entitlements and membership's provisioning."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from services.identity.domain.model import Session
from services.identity.domain.ports import IdentityTransaction
from services.identity.domain.sso.model import (
    IdentityLink,
    IdpCertificate,
    PendingSignIn,
    SpKey,
    SsoConnection,
    SsoDomain,
    SsoPolicy,
)


class SsoTransaction(IdentityTransaction, Protocol):
    async def insert_connection(self, connection: SsoConnection) -> None: ...
    async def get_connection(self, connection_id: str) -> SsoConnection | None: ...
    async def list_connections(self, organization_id: str) -> list[SsoConnection]: ...
    async def save_connection(self, connection: SsoConnection, expected_version: int) -> bool: ...
    async def delete_connection(self, connection_id: str) -> None: ...
    async def insert_idp_certificate(self, certificate: IdpCertificate) -> bool: ...
    async def delete_idp_certificate(self, connection_id: str, certificate_id: str) -> bool: ...
    async def replace_idp_certificates(self, connection_id: str, certificates: list[IdpCertificate]) -> None: ...
    async def insert_sp_key(self, key: SpKey) -> None: ...
    async def sp_keys(self, connection_id: str) -> list[SpKey]:
        """Unretired keys, newest first (a key past its overlap is among them until marked retired: SpKey.in_use)."""
        ...

    async def schedule_sp_key_retirement(self, key_id: str, retires_at: datetime) -> None: ...
    async def retire_sp_key(self, connection_id: str, key_id: str, now: datetime) -> bool: ...
    async def sp_keys_past_overlap(self, now: datetime) -> list[SpKey]: ...
    async def connections_with_metadata_url(self) -> list[SsoConnection]:
        """SAML connections of every organization whose metadata is fetched from a URL."""
        ...

    async def insert_domain(self, domain: SsoDomain) -> bool: ...
    async def get_domain(self, organization_id: str, domain: str) -> SsoDomain | None: ...
    async def list_domains(self, organization_id: str) -> list[SsoDomain]: ...
    async def mark_domain_verified(self, organization_id: str, domain: str, now: datetime) -> bool:
        """False when another organization holds the domain verified."""
        ...

    async def delete_domain(self, organization_id: str, domain: str) -> bool: ...
    async def verified_domain_owner(self, domain: str) -> str | None: ...
    async def get_sso_policy(self, organization_id: str) -> SsoPolicy: ...
    async def save_sso_policy(self, policy: SsoPolicy, expected_version: int) -> bool: ...
    async def insert_pending_sign_in(self, pending: PendingSignIn) -> None: ...
    async def use_pending_sign_in(self, request_id: str, now: datetime) -> PendingSignIn | None:
        """The pending sign-in, marked used; None when unknown or already used (single use, atomically)."""
        ...

    async def remember_message_id(self, issuer: str, message_id: str, expires_at: datetime, now: datetime) -> bool:
        """Record an accepted response/assertion id; False when it was seen before (a replay)."""
        ...

    async def find_identity_link(self, organization_id: str, issuer: str, subject: str) -> IdentityLink | None: ...
    async def insert_identity_link(self, link: IdentityLink) -> None: ...
    async def cap_session_expiry(self, session_id: str, expires_at: datetime) -> None: ...
    async def password_sessions(self, organization_id: str, now: datetime) -> list[Session]:
        """Open sessions of the organization opened with a password."""
        ...


class SsoStore(Protocol):
    def write(self) -> AbstractAsyncContextManager[SsoTransaction]: ...
    def read(self) -> AbstractAsyncContextManager[SsoTransaction]: ...


@dataclass(frozen=True)
class ImportedMetadata:
    entity_id: str
    sso_url: str
    certificates_pem: tuple[str, ...]


@dataclass(frozen=True)
class SignedRequest:
    request_id: str
    redirect_url: str


class SamlToolkit(Protocol):
    """The SAML library (pysaml2 and xmlsec1): signatures, metadata, AuthnRequests."""

    def verify_signature(
        self, document: bytes, element_id: str, element_name: str, certificates_pem: list[str]
    ) -> bool:
        """Whether the signature of the element with this ID verifies with one of the trusted certificates."""
        ...

    def read_idp_metadata(self, metadata_xml: str) -> ImportedMetadata: ...
    def sp_metadata(self, entity_id: str, acs_url: str, certificates_pem: list[str]) -> str: ...
    def authn_request(
        self, *, sp_entity_id: str, acs_url: str, idp_sso_url: str, key: SpKey, relay_state: str
    ) -> SignedRequest: ...
    def new_key_pair(self, common_name: str) -> tuple[str, str]:
        """A fresh (private key PEM, self-signed certificate PEM)."""
        ...


class MetadataFetcher(Protocol):
    async def fetch(self, url: str) -> str: ...


class DnsResolver(Protocol):
    async def txt_records(self, name: str) -> list[str]:
        """The TXT strings at `name`; empty when there are none or the name does not exist."""
        ...


class Entitlements(Protocol):
    async def require(self, organization_id: str, entitlement: str) -> None:
        """Raise FailedPrecondition naming the entitlement and the plans that have it when the plan lacks it."""
        ...


@dataclass(frozen=True)
class ProvisionedMember:
    member_id: str
    created: bool
    # Why an existing member kept its role rather than the mapped one ("last_owner", "no_seat", ...); "" otherwise.
    role_refused: str = ""


class MemberProvisioner(Protocol):
    """Membership's ProvisionMember: creates (or links) an active member with a seat, all or nothing."""

    async def provision(
        self,
        *,
        organization_id: str,
        email: str,
        display_name: str,
        external_id: str,
        account_id: str,
        role: str,
        group_ids: list[str],
        idempotency_key: str,
        role_from_mapping: bool = False,
    ) -> ProvisionedMember: ...
