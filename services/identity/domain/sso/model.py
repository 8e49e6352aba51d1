"""SSO entities, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

SAML = "saml"
OIDC = "oidc"
PROTOCOLS = (SAML, OIDC)

DOMAIN_PENDING = "pending"
DOMAIN_VERIFIED = "verified"


@dataclass(frozen=True)
class AttributeMapping:
    """Which IdP attribute (SAML attribute name, OIDC claim) fills which of our fields; empty = the default."""

    email: str = ""
    display_name: str = ""
    groups: str = ""
    profile_fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GroupMapping:
    """An IdP group giving a role and/or a membership group at each sign-in."""

    idp_group: str
    role: str = ""
    group_id: str = ""


@dataclass(frozen=True)
class IdpCertificate:
    id: str
    connection_id: str
    certificate_pem: str
    fingerprint_sha256: str
    expires_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class SpKey:
    """Our signing and encryption key pair for a connection; several overlap during a rotation (the newest signs,
    every one in use decrypts). A rotated-out key is in use until `retires_at` (the overlap), and gone for good
    once `retired_at` is set (by the retire call or the worker, either audited)."""

    id: str
    connection_id: str
    private_key_pem: str
    certificate_pem: str
    created_at: datetime
    retired_at: datetime | None = None
    retires_at: datetime | None = None

    def in_use(self, now: datetime) -> bool:
        return self.retired_at is None and (self.retires_at is None or now < self.retires_at)


@dataclass(frozen=True)
class SpCertificate:
    """The public half of an SpKey, as a connection shows it (and the audit log keeps it)."""

    id: str
    certificate_pem: str
    fingerprint_sha256: str
    created_at: datetime
    retires_at: datetime | None = None


@dataclass(frozen=True)
class SsoConnection:
    id: str
    organization_id: str
    name: str
    protocol: str
    enabled: bool = False
    idp_initiated_enabled: bool = False
    jit_provisioning: bool = True
    default_role: str = ""
    preset: str = ""
    attribute_mapping: AttributeMapping = field(default_factory=AttributeMapping)
    group_mappings: tuple[GroupMapping, ...] = ()
    # SAML
    idp_entity_id: str = ""
    idp_sso_url: str = ""
    metadata_url: str = ""
    require_encrypted_assertions: bool = False
    # The scheduled metadata refresh: when the last fetch succeeded, and the last failure (cleared by a success).
    # On failure the last good metadata stays in force.
    metadata_refreshed_at: datetime | None = None
    metadata_refresh_failed_at: datetime | None = None
    metadata_refresh_error: str = ""
    # OIDC (the OIDC relying party reads and extends these)
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_allowed_algorithms: tuple[str, ...] = ()
    # Write-only: accepted on create/update, never returned.
    oidc_client_secret: str = ""
    oidc_scopes: tuple[str, ...] = ()
    certificates: tuple[IdpCertificate, ...] = ()
    # Our SP certificates in use (read only; loaded with the connection, never stored in its settings).
    sp_certificates: tuple[SpCertificate, ...] = ()
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class SsoDomain:
    organization_id: str
    domain: str
    state: str
    token: str
    created_at: datetime
    verified_at: datetime | None = None


@dataclass(frozen=True)
class SsoPolicy:
    organization_id: str
    sso_required: bool = False
    break_glass_account_ids: tuple[str, ...] = ()
    version: int = 0


@dataclass(frozen=True)
class PendingSignIn:
    """An AuthnRequest (or OIDC state) we sent, bound to the browser that started it; used once."""

    id: str
    connection_id: str
    browser_binding_hash: str
    return_to: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True)
class IdentityLink:
    """An account as known to one IdP: (issuer, subject), never the email."""

    connection_id: str
    issuer: str
    subject: str
    account_id: str
    organization_id: str
    created_at: datetime
