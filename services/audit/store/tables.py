"""Audit's own database: append-only entries and the head of each organization's chain."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, UniqueConstraint

from services.common.db import UTCDateTime
from services.common.messaging import messaging_tables

metadata = MetaData()

audit_entries = Table(
    "audit_entries",
    metadata,
    Column("id", String(36), primary_key=True, comment="the id of the recorded event"),
    Column("organization_id", String(36), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("action", String(100), nullable=False),
    Column("event_type", String(150), nullable=False),
    Column("actor_type", String(32), nullable=False),
    Column("actor_id", String(1024), nullable=False),
    Column("actor_display", String(1024), nullable=False),
    Column("actor_ip", String(1024), nullable=False),
    Column("actor_user_agent", String(1024), nullable=False),
    Column("target_type", String(1024), nullable=False),
    Column("target_id", String(1024), nullable=False),
    Column("target_display", String(1024), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("request_id", String(1024), nullable=False),
    Column("details", Text, nullable=False, server_default="", comment="the event payload as canonical JSON"),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("organization_id", "sequence", name="uq_audit_entries_organization_sequence"),
    Index("ix_audit_entries_action", "organization_id", "action", "sequence"),
    Index("ix_audit_entries_actor", "organization_id", "actor_id", "sequence"),
    Index("ix_audit_entries_target", "organization_id", "target_id", "sequence"),
)

chain_heads = Table(
    "chain_heads",
    metadata,
    Column("organization_id", String(36), primary_key=True),
    Column("sequence", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

messaging = messaging_tables(metadata)
