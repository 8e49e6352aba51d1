"""Identity's own database."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text

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
)

idempotency_keys = idempotency_table(metadata)
messaging = messaging_tables(metadata)
