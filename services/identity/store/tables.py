"""Identity's own database: its tables as SQLModel table models; the stores use the Core tables below."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Text, false
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from services.common.db import UTCDateTime
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
    secret: str = Field(max_length=64)
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


metadata = IdentityBase.metadata
accounts = core_table(AccountRow)
sessions = core_table(SessionRow)
api_keys = core_table(ApiKeyRow)
memberships = core_table(MembershipRow)
login_failures = core_table(LoginFailureRow)
security_policies = core_table(SecurityPolicyRow)
totp_factors = core_table(TotpFactorRow)
recovery_codes = core_table(RecoveryCodeRow)
mfa_challenges = core_table(MfaChallengeRow)
password_resets = core_table(PasswordResetRow)
idempotency_keys = idempotency_table(metadata)
messaging = messaging_tables(metadata)
mail_outbox = mail_outbox_table(metadata)
