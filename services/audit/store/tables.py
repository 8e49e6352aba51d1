"""Audit's own database: append-only entries and the head of each organization's chain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from services.common.db import UTCDateTime
from services.common.messaging import messaging_tables
from services.common.tables import core_table


class AuditBase(SQLModel, registry=registry()):
    """Base of audit's table models: their own metadata, apart from the other services' tables."""


class AuditEntryRow(AuditBase, table=True):
    __tablename__ = "audit_entries"
    __table_args__ = (
        UniqueConstraint("organization_id", "sequence", name="uq_audit_entries_organization_sequence"),
        Index("ix_audit_entries_action", "organization_id", "action", "sequence"),
        Index("ix_audit_entries_actor", "organization_id", "actor_id", "sequence"),
        Index("ix_audit_entries_target", "organization_id", "target_id", "sequence"),
    )

    id: str = Field(primary_key=True, max_length=36, sa_column_kwargs={"comment": "the id of the recorded event"})
    organization_id: str = Field(max_length=36)
    sequence: int
    action: str = Field(max_length=100)
    event_type: str = Field(max_length=150)
    actor_type: str = Field(max_length=32)
    actor_id: str = Field(max_length=1024)
    actor_display: str = Field(max_length=1024)
    actor_ip: str = Field(max_length=1024)
    actor_user_agent: str = Field(max_length=1024)
    target_type: str = Field(max_length=1024)
    target_id: str = Field(max_length=1024)
    target_display: str = Field(max_length=1024)
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    request_id: str = Field(max_length=1024)
    details: str = Field(
        sa_type=Text, sa_column_kwargs={"server_default": "", "comment": "the event payload as canonical JSON"}
    )
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class ChainHeadRow(AuditBase, table=True):
    __tablename__ = "chain_heads"

    organization_id: str = Field(primary_key=True, max_length=36)
    sequence: int
    hash: str = Field(max_length=64)


metadata = AuditBase.metadata
audit_entries = core_table(AuditEntryRow)
chain_heads = core_table(ChainHeadRow)
messaging = messaging_tables(metadata)
