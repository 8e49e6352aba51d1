"""Membership's own database: its tables as SQLModel table models, and indexes for its queries.

The stores issue SQLAlchemy Core statements over the Core tables below (`members`, `groups`, ...).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from services.common.db import UTCDateTime
from services.common.idempotency import idempotency_table
from services.common.mail_outbox import mail_outbox_table
from services.common.messaging import messaging_tables
from services.common.tables import core_table


class MembershipBase(SQLModel, registry=registry()):
    """Base of membership's table models: their own metadata, apart from the other services' tables."""


class OrganizationRow(MembershipBase, table=True):
    __tablename__ = "organizations"

    id: str = Field(primary_key=True, max_length=36)
    display_name: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UTCDateTime)
    version: int = Field(default=1)
    logo_url: str = Field(max_length=2048, sa_column_kwargs={"server_default": ""})
    brand_color: str = Field(max_length=7, sa_column_kwargs={"server_default": ""})
    group_creation_policy: str = Field(max_length=16, sa_column_kwargs={"server_default": "admins"})
    invitation_ttl_days: int = Field(sa_column_kwargs={"server_default": "0"})
    # From billing's organization.deletion_scheduled event.
    deletion_scheduled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MemberRow(MembershipBase, table=True):
    __tablename__ = "members"
    __table_args__ = (
        # One member per person and organization, also under concurrent invitations.
        UniqueConstraint("organization_id", "email", name="uq_members_organization_email"),
        UniqueConstraint("organization_id", "account_id", name="uq_members_organization_account"),
        Index("ix_members_organization_status_id", "organization_id", "status", "id"),
        Index("ix_members_organization_role_id", "organization_id", "role", "id"),
        Index("ix_members_organization_name_id", "organization_id", "display_name_key", "id"),
        # Newest-first pages of one organization without sorting it.
        Index("ix_members_organization_id", "organization_id", "id"),
    )

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str = Field(max_length=36, foreign_key="organizations.id")
    account_id: str | None = Field(default=None, max_length=36)
    email: str = Field(max_length=320)
    display_name: str = Field(default="", max_length=200)
    # Lower-case display name: the sort and search key of member lists.
    display_name_key: str = Field(max_length=200, sa_column_kwargs={"server_default": ""})
    role: str = Field(max_length=64)
    status: str = Field(max_length=16)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    version: int = Field(default=1)
    # From identity's session.started events; not a change of the member (no new version).
    last_sign_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class GroupRow(MembershipBase, table=True):
    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("organization_id", "name_key", name="uq_groups_organization_name"),)

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str = Field(max_length=36, foreign_key="organizations.id")
    name: str = Field(max_length=100)
    # Lower-case name: unique per organization and the sort key of lists.
    name_key: str = Field(max_length=100)
    description: str = Field(max_length=1000)
    kind: str = Field(max_length=16)
    category: str = Field(max_length=100)
    is_default: bool
    locked: bool
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    version: int


class GroupMemberRow(MembershipBase, table=True):
    __tablename__ = "group_members"
    __table_args__ = (Index("ix_group_members_member", "member_id"),)

    group_id: str = Field(primary_key=True, max_length=36, foreign_key="groups.id")
    member_id: str = Field(primary_key=True, max_length=36, foreign_key="members.id")
    organization_id: str = Field(max_length=36)
    is_admin: bool
    added_at: datetime = Field(sa_type=UTCDateTime)


class CustomRoleRow(MembershipBase, table=True):
    __tablename__ = "custom_roles"

    organization_id: str = Field(primary_key=True, max_length=36, foreign_key="organizations.id")
    key: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=100)
    # JSON list of the permissions the role grants.
    permissions: str = Field(sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
    version: int


class ProfileFieldRow(MembershipBase, table=True):
    __tablename__ = "profile_fields"

    organization_id: str = Field(primary_key=True, max_length=36, foreign_key="organizations.id")
    key: str = Field(primary_key=True, max_length=40)
    label: str = Field(max_length=100)
    type: str = Field(max_length=16)
    # JSON list of the choices of a choice field.
    choices: str = Field(sa_type=Text)
    shown: bool
    position: int
    updated_at: datetime = Field(sa_type=UTCDateTime)


class MemberProfileValueRow(MembershipBase, table=True):
    __tablename__ = "member_profile_values"
    __table_args__ = (Index("ix_member_profile_values_organization_key", "organization_id", "key"),)

    member_id: str = Field(primary_key=True, max_length=36, foreign_key="members.id")
    key: str = Field(primary_key=True, max_length=40)
    organization_id: str = Field(max_length=36)
    value: str = Field(max_length=500)


class InvitationPolicyRow(MembershipBase, table=True):
    """Projection of identity's security policy: the part membership enforces (who may be invited)."""

    __tablename__ = "invitation_policies"

    organization_id: str = Field(primary_key=True, max_length=36)
    # JSON list of lower-case domains; empty allows every domain.
    allowed_domains: str = Field(sa_type=Text)
    policy_version: int
    updated_at: datetime = Field(sa_type=UTCDateTime)


class InvitationRow(MembershipBase, table=True):
    __tablename__ = "invitations"

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str = Field(max_length=36, foreign_key="organizations.id")
    member_id: str = Field(max_length=36, foreign_key="members.id", index=True)
    email: str = Field(max_length=320)
    role: str = Field(max_length=64)
    invited_by: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    token_version: int = Field(default=1)


metadata = MembershipBase.metadata
organizations = core_table(OrganizationRow)
members = core_table(MemberRow)
groups = core_table(GroupRow)
group_members = core_table(GroupMemberRow)
custom_roles = core_table(CustomRoleRow)
profile_fields = core_table(ProfileFieldRow)
member_profile_values = core_table(MemberProfileValueRow)
invitation_policies = core_table(InvitationPolicyRow)
invitations = core_table(InvitationRow)
idempotency_keys = idempotency_table(metadata)
messaging = messaging_tables(metadata)
mail_outbox = mail_outbox_table(metadata)
