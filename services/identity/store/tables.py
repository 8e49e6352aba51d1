"""Identity's own database: its tables as SQLModel table models; the stores use the Core tables below."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Text, UniqueConstraint, false
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from services.common.db import UTCDateTime
from services.common.entitlements import entitlements_table
from services.common.idempotency import idempotency_table
from services.common.mail_outbox import mail_outbox_table
from services.common.messaging import messaging_tables
from services.common.tables import core_table


class IdentityBase(SQLModel, registry=registry()):
    """Base of identity's table models: their own metadata, apart from the other services' tables."""


class AccountRow(IdentityBase, table=True):
    __tablename__ = "accounts"

    id: str = Field(primary_key=True, max_length=36)
    email: str = Field(max_length=320, unique=True)
    display_name: str = Field(default="", max_length=200)
    password_hash: str = Field(max_length=255)
    status: str = Field(max_length=16)
    created_at: datetime = Field(sa_type=UTCDateTime)


class SessionRow(IdentityBase, table=True):
    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_account_org", "account_id", "organization_id"),)

    id: str = Field(primary_key=True, max_length=36)
    token_hash: str = Field(
        max_length=64, unique=True, sa_column_kwargs={"comment": "sha256 of the token; never the token"}
    )
    account_id: str = Field(max_length=36, index=True)
    organization_id: str = Field(max_length=36)
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_seen_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ip_address: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=512)
    authenticated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rotate_required: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    mfa_enrollment_required: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    method: str = Field(default="password", max_length=32, sa_column_kwargs={"server_default": "password"})


class ApiKeyRow(IdentityBase, table=True):
    __tablename__ = "api_keys"

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str = Field(max_length=36, index=True)
    name: str = Field(max_length=200)
    prefix: str = Field(max_length=32, unique=True)
    secret_hash: str = Field(max_length=64)
    permissions: str = Field(sa_type=Text, sa_column_kwargs={"comment": "JSON list"})
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    kind: str = Field(default="api_key", max_length=32, sa_column_kwargs={"server_default": "api_key"})


class MembershipRow(IdentityBase, table=True):
    """Projection of membership's member events: who holds which permissions where."""

    __tablename__ = "memberships"
    __table_args__ = (Index("ix_memberships_account", "account_id", "status"),)

    organization_id: str = Field(primary_key=True, max_length=36)
    member_id: str = Field(primary_key=True, max_length=36)
    account_id: str = Field(max_length=36)
    permissions: str = Field(sa_type=Text, sa_column_kwargs={"comment": "JSON list"})
    status: str = Field(max_length=16)
    version: int


class LoginFailureRow(IdentityBase, table=True):
    """Recent failed sign-ins of existing accounts (brute-force protection); unknown emails keep no row."""

    __tablename__ = "login_failures"

    account_id: str = Field(primary_key=True, max_length=36)
    failures: int
    window_started_at: datetime = Field(sa_type=UTCDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lockouts: int
    last_failure_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class IpSignInFailureRow(IdentityBase, table=True):
    """Failed sign-ins per client address, counted in short buckets: in the database so every replica sees the same
    count (an attacker spread over replicas meets one limit), pruned once outside the window."""

    __tablename__ = "ip_sign_in_failures"

    ip_address: str = Field(primary_key=True, max_length=64)
    bucket_start: datetime = Field(primary_key=True, sa_type=UTCDateTime, index=True)
    failures: int


class SecurityPolicyRow(IdentityBase, table=True):
    """Per organization; absent means the defaults."""

    __tablename__ = "security_policies"

    organization_id: str = Field(primary_key=True, max_length=36)
    policy: str = Field(sa_type=Text, sa_column_kwargs={"comment": "JSON of the editable fields"})
    version: int
    updated_at: datetime = Field(sa_type=UTCDateTime)


class TotpFactorRow(IdentityBase, table=True):
    __tablename__ = "totp_factors"

    account_id: str = Field(primary_key=True, max_length=36)
    secret: str = Field(max_length=255, sa_column_kwargs={"comment": "sealed with the data keys (secret_box)"})
    created_at: datetime = Field(sa_type=UTCDateTime)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_step: int | None = Field(
        default=None, sa_type=BigInteger, sa_column_kwargs={"comment": "a TOTP code is accepted once"}
    )


class RecoveryCodeRow(IdentityBase, table=True):
    __tablename__ = "recovery_codes"

    code_hash: str = Field(primary_key=True, max_length=64)
    account_id: str = Field(max_length=36, index=True)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MfaChallengeRow(IdentityBase, table=True):
    __tablename__ = "mfa_challenges"

    id: str = Field(primary_key=True, max_length=36)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: str = Field(max_length=36)
    organization_id: str = Field(max_length=36)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    attempts: int
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PasswordResetRow(IdentityBase, table=True):
    __tablename__ = "password_resets"

    id: str = Field(primary_key=True, max_length=36)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"comment": "sha256 of the emailed token"})
    account_id: str = Field(max_length=36, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    requested_by: str = Field(max_length=64)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SsoConnectionRow(IdentityBase, table=True):
    """A connection to an identity provider; protocol settings and mappings as one JSON document."""

    __tablename__ = "sso_connections"

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str = Field(max_length=36, index=True)
    name: str = Field(max_length=200)
    protocol: str = Field(max_length=16)
    enabled: bool
    settings: str = Field(sa_type=Text, sa_column_kwargs={"comment": "JSON of the protocol settings and mappings"})
    version: int
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class SsoIdpCertificateRow(IdentityBase, table=True):
    """Trusted IdP signing certificates; several at once during a rollover."""

    __tablename__ = "sso_idp_certificates"
    __table_args__ = (UniqueConstraint("connection_id", "fingerprint_sha256"),)

    id: str = Field(primary_key=True, max_length=36)
    connection_id: str = Field(max_length=36, index=True)
    certificate_pem: str = Field(sa_type=Text)
    fingerprint_sha256: str = Field(max_length=64)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)


class SsoSpKeyRow(IdentityBase, table=True):
    """Our SAML signing and encryption key pairs per connection; the newest in use signs, every one in use is
    published and decrypts. A rotated-out key is in use until `retires_at`, then `retired_at` marks it gone."""

    __tablename__ = "sso_sp_keys"

    id: str = Field(primary_key=True, max_length=36)
    connection_id: str = Field(max_length=36, index=True)
    private_key_pem: str = Field(sa_type=Text)
    certificate_pem: str = Field(sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    retires_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime, sa_column_kwargs={"comment": "end of the rotation overlap"}
    )


class SsoDomainRow(IdentityBase, table=True):
    """An email domain claimed by an organization. `verified_domain` is set once verified and is unique: two
    organizations may claim a domain, only one can hold it verified."""

    __tablename__ = "sso_domains"

    organization_id: str = Field(primary_key=True, max_length=36)
    domain: str = Field(primary_key=True, max_length=253)
    state: str = Field(max_length=16)
    token: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    verified_domain: str | None = Field(default=None, max_length=253, unique=True)


class SsoPolicyRow(IdentityBase, table=True):
    """ "SSO required" per organization and its break-glass Owners; absent means off."""

    __tablename__ = "sso_policies"

    organization_id: str = Field(primary_key=True, max_length=36)
    sso_required: bool
    break_glass_account_ids: str = Field(sa_type=Text, sa_column_kwargs={"comment": "JSON list"})
    version: int


class SsoPendingSignInRow(IdentityBase, table=True):
    """AuthnRequests (OIDC states) we sent, bound to the browser that started them; used once."""

    __tablename__ = "sso_pending_sign_ins"

    id: str = Field(primary_key=True, max_length=64)
    connection_id: str = Field(max_length=36)
    browser_binding_hash: str = Field(max_length=64, sa_column_kwargs={"comment": "sha256 of the browser cookie"})
    return_to: str = Field(default="", max_length=512)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SsoReplayRow(IdentityBase, table=True):
    """Ids of SAML responses and assertions already accepted, kept until they expire (every replica sees them)."""

    __tablename__ = "sso_replay_cache"

    issuer: str = Field(primary_key=True, max_length=512)
    message_id: str = Field(primary_key=True, max_length=256)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)


class SsoIdentityLinkRow(IdentityBase, table=True):
    """Which account an IdP's (issuer, subject) is, per organization; never keyed by email."""

    __tablename__ = "sso_identity_links"

    organization_id: str = Field(primary_key=True, max_length=36)
    issuer: str = Field(primary_key=True, max_length=512)
    subject: str = Field(primary_key=True, max_length=512)
    connection_id: str = Field(max_length=36)
    account_id: str = Field(max_length=36, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)


metadata = IdentityBase.metadata
accounts = core_table(AccountRow)
sessions = core_table(SessionRow)
api_keys = core_table(ApiKeyRow)
memberships = core_table(MembershipRow)
login_failures = core_table(LoginFailureRow)
ip_sign_in_failures = core_table(IpSignInFailureRow)
security_policies = core_table(SecurityPolicyRow)
totp_factors = core_table(TotpFactorRow)
recovery_codes = core_table(RecoveryCodeRow)
mfa_challenges = core_table(MfaChallengeRow)
password_resets = core_table(PasswordResetRow)
idempotency_keys = idempotency_table(metadata)
messaging = messaging_tables(metadata)
mail_outbox = mail_outbox_table(metadata)


class ScimTokenRow(IdentityBase, table=True):
    """Bearer tokens identity providers provision an organization with (SCIM); only a hash of the secret."""

    __tablename__ = "scim_tokens"

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str = Field(max_length=36, index=True)
    name: str = Field(max_length=200)
    prefix: str = Field(max_length=32, unique=True)
    secret_hash: str = Field(max_length=64)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


scim_tokens = core_table(ScimTokenRow)
sso_connections = core_table(SsoConnectionRow)
sso_idp_certificates = core_table(SsoIdpCertificateRow)
sso_sp_keys = core_table(SsoSpKeyRow)
sso_domains = core_table(SsoDomainRow)
sso_policies = core_table(SsoPolicyRow)
sso_pending_sign_ins = core_table(SsoPendingSignInRow)
sso_replay_cache = core_table(SsoReplayRow)
sso_identity_links = core_table(SsoIdentityLinkRow)


class OidcLoginRow(IdentityBase, table=True):
    """OIDC sign-ins started and not completed: deleted when used (once) or expired."""

    __tablename__ = "oidc_logins"

    state_hash: str = Field(primary_key=True, max_length=64, sa_column_kwargs={"comment": "sha256 of `state`"})
    binding_hash: str = Field(
        max_length=64, sa_column_kwargs={"comment": "sha256 of the browser binding cookie that started it"}
    )
    connection_id: str = Field(max_length=36)
    nonce: str = Field(max_length=128)
    code_verifier: str = Field(max_length=128)
    return_to: str = Field(default="/", max_length=2048)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)


oidc_logins = core_table(OidcLoginRow)
# Billing's entitlement sets (services/common/entitlements.py), fed by a consumer of billing's stream.
entitlements = entitlements_table(metadata)
