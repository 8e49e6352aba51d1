"""Identity's own database."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, MetaData, String, Table, Text, false

from services.common.db import UTCDateTime
from services.common.idempotency import idempotency_table
from services.common.messaging import messaging_tables

metadata = MetaData()

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False, default=""),
    Column("password_hash", String(255), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True, comment="sha256 of the token; never the token"),
    Column("account_id", String(36), nullable=False, index=True),
    Column("organization_id", String(36), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("ip_address", String(64), nullable=False, default=""),
    Column("user_agent", String(512), nullable=False, default=""),
    Column("authenticated_at", UTCDateTime, nullable=True),
    Column("rotate_required", Boolean, nullable=False, default=False, server_default=false()),
    Column("mfa_enrollment_required", Boolean, nullable=False, default=False, server_default=false()),
    Column("method", String(32), nullable=False, default="password", server_default="password"),
    Index("ix_sessions_account_org", "account_id", "organization_id"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("organization_id", String(36), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("prefix", String(32), nullable=False, unique=True),
    Column("secret_hash", String(64), nullable=False),
    Column("permissions", Text, nullable=False, comment="JSON list"),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("last_used_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("kind", String(32), nullable=False, default="api_key", server_default="api_key"),
)

# Projection of membership's member events: who holds which permissions where.
memberships = Table(
    "memberships",
    metadata,
    Column("organization_id", String(36), primary_key=True),
    Column("member_id", String(36), primary_key=True),
    Column("account_id", String(36), nullable=False),
    Column("permissions", Text, nullable=False, comment="JSON list"),
    Column("status", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_memberships_account", "account_id", "status"),
)

# Recent failed sign-ins of existing accounts (brute-force protection); unknown emails keep no row.
login_failures = Table(
    "login_failures",
    metadata,
    Column("account_id", String(36), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_started_at", UTCDateTime, nullable=False),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("lockouts", Integer, nullable=False),
    Column("last_failure_at", UTCDateTime, nullable=True),
)

# Per organization; absent means the defaults.
security_policies = Table(
    "security_policies",
    metadata,
    Column("organization_id", String(36), primary_key=True),
    Column("policy", Text, nullable=False, comment="JSON of the editable fields"),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

totp_factors = Table(
    "totp_factors",
    metadata,
    Column("account_id", String(36), primary_key=True),
    Column("secret", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("confirmed_at", UTCDateTime, nullable=True),
    Column("last_used_step", BigInteger, nullable=True, comment="a TOTP code is accepted once"),
)

recovery_codes = Table(
    "recovery_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("account_id", String(36), nullable=False, index=True),
    Column("used_at", UTCDateTime, nullable=True),
)

mfa_challenges = Table(
    "mfa_challenges",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("account_id", String(36), nullable=False),
    Column("organization_id", String(36), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
)

password_resets = Table(
    "password_resets",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("token_hash", String(64), nullable=False, comment="sha256 of the emailed token"),
    Column("account_id", String(36), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("requested_by", String(64), nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
)

idempotency_keys = idempotency_table(metadata)
messaging = messaging_tables(metadata)
