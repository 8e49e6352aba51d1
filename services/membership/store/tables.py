"""Membership's own database: tables (SQLAlchemy Core) and indexes for its queries."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint

from services.common.db import UTCDateTime
from services.common.idempotency import idempotency_table
from services.common.messaging import messaging_tables

metadata = MetaData()

organizations = Table(
    "organizations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("logo_url", String(2048), nullable=False, server_default=""),
    Column("brand_color", String(7), nullable=False, server_default=""),
    Column("group_creation_policy", String(16), nullable=False, server_default="admins"),
    Column("invitation_ttl_days", Integer, nullable=False, server_default="0"),
    # From billing's organization.deletion_scheduled event.
    Column("deletion_scheduled_at", UTCDateTime, nullable=True),
)

members = Table(
    "members",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("organization_id", String(36), ForeignKey("organizations.id"), nullable=False),
    Column("account_id", String(36), nullable=True),
    Column("email", String(320), nullable=False),
    Column("display_name", String(200), nullable=False, default=""),
    # Lower-case display name: the sort and search key of member lists.
    Column("display_name_key", String(200), nullable=False, server_default=""),
    Column("role", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    # From identity's session.started events; not a change of the member (no new version).
    Column("last_sign_in_at", UTCDateTime, nullable=True),
    # One member per person and organization, also under concurrent invitations.
    UniqueConstraint("organization_id", "email", name="uq_members_organization_email"),
    UniqueConstraint("organization_id", "account_id", name="uq_members_organization_account"),
    Index("ix_members_organization_status_id", "organization_id", "status", "id"),
    Index("ix_members_organization_role_id", "organization_id", "role", "id"),
    Index("ix_members_organization_name_id", "organization_id", "display_name_key", "id"),
    # Newest-first pages of one organization without sorting it.
    Index("ix_members_organization_id", "organization_id", "id"),
)

groups = Table(
    "groups",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("organization_id", String(36), ForeignKey("organizations.id"), nullable=False),
    Column("name", String(100), nullable=False),
    # Lower-case name: unique per organization and the sort key of lists.
    Column("name_key", String(100), nullable=False),
    Column("description", String(1000), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("category", String(100), nullable=False),
    Column("is_default", Boolean, nullable=False),
    Column("locked", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("organization_id", "name_key", name="uq_groups_organization_name"),
)

group_members = Table(
    "group_members",
    metadata,
    Column("group_id", String(36), ForeignKey("groups.id"), primary_key=True),
    Column("member_id", String(36), ForeignKey("members.id"), primary_key=True),
    Column("organization_id", String(36), nullable=False),
    Column("is_admin", Boolean, nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    Index("ix_group_members_member", "member_id"),
)

custom_roles = Table(
    "custom_roles",
    metadata,
    Column("organization_id", String(36), ForeignKey("organizations.id"), primary_key=True),
    Column("key", String(40), primary_key=True),
    Column("name", String(100), nullable=False),
    # JSON list of the permissions the role grants.
    Column("permissions", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)

profile_fields = Table(
    "profile_fields",
    metadata,
    Column("organization_id", String(36), ForeignKey("organizations.id"), primary_key=True),
    Column("key", String(40), primary_key=True),
    Column("label", String(100), nullable=False),
    Column("type", String(16), nullable=False),
    # JSON list of the choices of a choice field.
    Column("choices", Text, nullable=False),
    Column("shown", Boolean, nullable=False),
    Column("position", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

member_profile_values = Table(
    "member_profile_values",
    metadata,
    Column("member_id", String(36), ForeignKey("members.id"), primary_key=True),
    Column("key", String(40), primary_key=True),
    Column("organization_id", String(36), nullable=False),
    Column("value", String(500), nullable=False),
    Index("ix_member_profile_values_organization_key", "organization_id", "key"),
)

# Projection of identity's security policy: the part membership enforces (who may be invited).
invitation_policies = Table(
    "invitation_policies",
    metadata,
    Column("organization_id", String(36), primary_key=True),
    # JSON list of lower-case domains; empty allows every domain.
    Column("allowed_domains", Text, nullable=False),
    Column("policy_version", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("organization_id", String(36), ForeignKey("organizations.id"), nullable=False),
    Column("member_id", String(36), ForeignKey("members.id"), nullable=False, index=True),
    Column("email", String(320), nullable=False),
    Column("role", String(64), nullable=False),
    Column("invited_by", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("token_version", Integer, nullable=False, default=1),
)

idempotency_keys = idempotency_table(metadata)
messaging = messaging_tables(metadata)
