"""Billing's own database."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, String, Table

from services.common.db import UTCDateTime
from services.common.idempotency import idempotency_table
from services.common.messaging import messaging_tables

metadata = MetaData()

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("organization_id", String(36), primary_key=True),
    Column("seats_purchased", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
)

# One row per member who ever held a seat, with membership's version of that member.
seat_holders = Table(
    "seat_holders",
    metadata,
    Column("organization_id", String(36), primary_key=True),
    Column("member_id", String(36), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_seat_holders_organization_status", "organization_id", "status"),
)

idempotency_keys = idempotency_table(metadata)
messaging = messaging_tables(metadata)
