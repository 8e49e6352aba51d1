"""Audit's own database: append-only entries and the head of each organization's chain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from services.common.db import UTCDateTime
from services.common.entitlements import entitlements_table
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
        Index("ix_audit_entries_actor_ip", "organization_id", "actor_ip", "sequence"),
        Index("ix_audit_entries_occurred", "organization_id", "occurred_at"),
        # Retention deletes by when entries were recorded (store/retention.py).
        Index("ix_audit_entries_recorded", "organization_id", "recorded_at"),
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


class CheckpointRow(AuditBase, table=True):
    """A signed statement of a chain head; each names the previous one's signature, so a checkpoint chain
    cannot fork: two replicas signing after the same checkpoint collide on the unique constraint."""

    __tablename__ = "audit_checkpoints"
    __table_args__ = (UniqueConstraint("organization_id", "previous_signature", name="uq_audit_checkpoints_previous"),)

    organization_id: str = Field(primary_key=True, max_length=36)
    sequence: int = Field(primary_key=True)
    hash: str = Field(max_length=64)
    signed_at: datetime = Field(sa_type=UTCDateTime)
    key_id: str = Field(max_length=64)
    previous_signature: str = Field(max_length=128)
    signature: str = Field(max_length=128)


class CheckpointKeyRow(AuditBase, table=True):
    """The published key set: every key that signed checkpoints, with its validity."""

    __tablename__ = "audit_checkpoint_keys"

    key_id: str = Field(primary_key=True, max_length=64)
    public_key: str = Field(max_length=64, sa_column_kwargs={"comment": "raw Ed25519 public key, base64"})
    valid_from: datetime = Field(sa_type=UTCDateTime)
    valid_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AccountMembershipRow(AuditBase, table=True):
    """Which organizations an account belongs to, projected from membership's member events: where the
    security events identity publishes without an organization are copied (domain/security_events.py)."""

    __tablename__ = "audit_account_memberships"
    __table_args__ = (Index("ix_audit_account_memberships_account", "account_id"),)

    organization_id: str = Field(primary_key=True, max_length=36)
    member_id: str = Field(primary_key=True, max_length=36)
    account_id: str = Field(max_length=36)
    status: str = Field(max_length=32)
    version: int


class RetentionSettingRow(AuditBase, table=True):
    """How long an organization's log keeps entries, and an operator's legal hold that stops deletion."""

    __tablename__ = "audit_retention_settings"

    organization_id: str = Field(primary_key=True, max_length=36)
    days: int
    legal_hold: bool = Field(default=False)
    legal_hold_reason: str = Field(default="", max_length=1024)
    updated_at: datetime = Field(sa_type=UTCDateTime)


metadata = AuditBase.metadata
audit_entries = core_table(AuditEntryRow)
chain_heads = core_table(ChainHeadRow)
checkpoints = core_table(CheckpointRow)
checkpoint_keys = core_table(CheckpointKeyRow)
account_memberships = core_table(AccountMembershipRow)
retention_settings = core_table(RetentionSettingRow)
messaging = messaging_tables(metadata)
# Billing's entitlement sets (services/common/entitlements.py), fed by a consumer of billing's stream.
entitlements = entitlements_table(metadata)
