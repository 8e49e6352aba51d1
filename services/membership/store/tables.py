"""Membership's own database: its tables as SQLModel table models, and indexes for its queries.

The stores issue SQLAlchemy Core statements over the Core tables below (`members`, `groups`, ...).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, LargeBinary, Text, UniqueConstraint, false
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from services.common.db import UTCDateTime
from services.common.entitlements import entitlements_table
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
    secondary_color: str = Field(max_length=7, sa_column_kwargs={"server_default": ""})
    accent_color: str = Field(max_length=7, sa_column_kwargs={"server_default": ""})
    welcome_message: str = Field(sa_type=Text, sa_column_kwargs={"server_default": ""})
    welcome_video_url: str = Field(max_length=2048, sa_column_kwargs={"server_default": ""})
    group_creation_policy: str = Field(max_length=16, sa_column_kwargs={"server_default": "admins"})
    invitation_ttl_days: int = Field(sa_column_kwargs={"server_default": "0"})
    # From billing's organization.deletion_scheduled event.
    deletion_scheduled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # An operator's legal hold: the deletion worker skips the organization while it is set.
    deletion_hold: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    deletion_hold_reason: str = Field(default="", max_length=1024, sa_column_kwargs={"server_default": ""})
    # An Owner's pending early deletion: when it deletes the organization, when and by which account it was asked.
    requested_deletion_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deletion_requested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deletion_requested_by: str = Field(default="", max_length=36, sa_column_kwargs={"server_default": ""})


class DeletedOrganizationRow(MembershipBase, table=True):
    """What stays of a deleted organization: its id and when it went (the deletion is idempotent and provable)."""

    __tablename__ = "deleted_organizations"

    id: str = Field(primary_key=True, max_length=36)
    deleted_at: datetime = Field(sa_type=UTCDateTime)
    scheduled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MemberRow(MembershipBase, table=True):
    __tablename__ = "members"
    __table_args__ = (
        # One member per person and organization, also under concurrent invitations.
        UniqueConstraint("organization_id", "email", name="uq_members_organization_email"),
        UniqueConstraint("organization_id", "account_id", name="uq_members_organization_account"),
        UniqueConstraint("organization_id", "external_id", name="uq_members_organization_external_id"),
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
    # The identity provider's id of the person (SCIM externalId, SAML NameID), set by provisioning.
    external_id: str | None = Field(default=None, max_length=255)
    # The member's own seat switch (seat.use): NULL follows the role, false gives the seat up, true adds one.
    seat: bool | None = Field(default=None)


class GroupRow(MembershipBase, table=True):
    __tablename__ = "groups"
    __table_args__ = (
        UniqueConstraint("organization_id", "name_key", name="uq_groups_organization_name"),
        Index("ix_groups_organization_external_id", "organization_id", "external_id"),
    )

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
    # The identity provider's id of a group it manages through SCIM.
    external_id: str | None = Field(default=None, max_length=255)
    # A SCIM-managed group changes only through SCIM: people edit it in their identity provider.
    scim_managed: bool = Field(default=False)


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


class ModuleSwitchRow(MembershipBase, table=True):
    """An admin's switch of a product module, for the organization (group_id '') or one group."""

    __tablename__ = "module_switches"

    organization_id: str = Field(primary_key=True, max_length=36, foreign_key="organizations.id")
    module_id: str = Field(primary_key=True, max_length=64)
    group_id: str = Field(primary_key=True, max_length=36, sa_column_kwargs={"comment": "'' for the organization"})
    enabled: bool
    version: int
    updated_at: datetime = Field(sa_type=UTCDateTime)


metadata = MembershipBase.metadata
organizations = core_table(OrganizationRow)
deleted_organizations = core_table(DeletedOrganizationRow)
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


class ScimUserRow(MembershipBase, table=True):
    """What SCIM says about a member beyond membership's own fields (RFC 7643 User and its enterprise
    extension); one row per member an identity provider manages."""

    __tablename__ = "scim_users"
    __table_args__ = (
        UniqueConstraint("organization_id", "user_name_key", name="uq_scim_users_organization_user_name"),
    )

    member_id: str = Field(primary_key=True, max_length=36, foreign_key="members.id")
    organization_id: str = Field(max_length=36)
    user_name: str = Field(max_length=320)
    # Lower-case userName: SCIM compares it case-insensitively.
    user_name_key: str = Field(max_length=320)
    given_name: str = Field(max_length=200)
    family_name: str = Field(max_length=200)
    title: str = Field(max_length=200)
    employee_number: str = Field(max_length=200)
    department: str = Field(max_length=200)
    cost_center: str = Field(max_length=200)
    organization_name: str = Field(max_length=200)
    division: str = Field(max_length=200)
    manager_id: str = Field(max_length=255)


class ScimUserEmailRow(MembershipBase, table=True):
    """A SCIM user's email addresses, searchable (`emails.value`, `emails[type eq "work"]`)."""

    __tablename__ = "scim_user_emails"
    __table_args__ = (Index("ix_scim_user_emails_organization_value", "organization_id", "value_key"),)

    member_id: str = Field(primary_key=True, max_length=36, foreign_key="members.id")
    position: int = Field(primary_key=True)
    organization_id: str = Field(max_length=36)
    value: str = Field(max_length=320)
    value_key: str = Field(max_length=320)
    type: str = Field(max_length=32)
    is_primary: bool


class ScimHoldSettingRow(MembershipBase, table=True):
    """An organization's safety hold threshold, when it differs from the default (domain/scim_holds.py)."""

    __tablename__ = "scim_hold_settings"

    organization_id: str = Field(primary_key=True, max_length=36, foreign_key="organizations.id")
    percent: int
    floor: int


class ScimDeprovisionRow(MembershipBase, table=True):
    """A deactivation or removal a SCIM client made: the sliding hour of the safety hold counts these."""

    __tablename__ = "scim_deprovisions"
    __table_args__ = (Index("ix_scim_deprovisions_organization_at", "organization_id", "at"),)

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str = Field(max_length=36)
    member_id: str = Field(max_length=36)
    at: datetime = Field(sa_type=UTCDateTime)


class ScimHeldChangeRow(MembershipBase, table=True):
    """A deactivation or removal the safety hold kept back until an Owner approves or rejects it."""

    __tablename__ = "scim_held_changes"
    __table_args__ = (
        # A retried request of the identity provider holds the same change once.
        UniqueConstraint("organization_id", "member_id", "action", name="uq_scim_held_changes_member_action"),
    )

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str = Field(max_length=36)
    member_id: str = Field(max_length=36)
    action: str = Field(max_length=16)
    actor_id: str = Field(max_length=64)
    held_at: datetime = Field(sa_type=UTCDateTime)


class ScimProvisioningSettingRow(MembershipBase, table=True):
    """An organization's SCIM provisioning settings (dry-run mode, automatic seat purchase); absent: all off."""

    __tablename__ = "scim_provisioning_settings"

    organization_id: str = Field(primary_key=True, max_length=36, foreign_key="organizations.id")
    dry_run: bool
    auto_purchase_seats: bool
    max_seats: int


class ScimDryRunChangeRow(MembershipBase, table=True):
    """What one SCIM write would have changed while the organization was in dry-run mode."""

    __tablename__ = "scim_dry_run_changes"
    __table_args__ = (
        Index("ix_scim_dry_run_changes_organization_at", "organization_id", "recorded_at", "id"),
        # Finds the id a dry-run create gave a userName or group name, for the live create to reuse.
        Index("ix_scim_dry_run_changes_organization_target", "organization_id", "kind", "target_key"),
    )

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str = Field(max_length=36)
    kind: str = Field(max_length=16)
    target_id: str = Field(max_length=36)
    target: str = Field(max_length=320)
    target_key: str = Field(max_length=320)
    summary: str = Field(sa_type=Text)
    actor_id: str = Field(max_length=64)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    # A deactivation or removal: what the safety hold would count, had it been live.
    deprovision: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


scim_users = core_table(ScimUserRow)
scim_user_emails = core_table(ScimUserEmailRow)
module_switches = core_table(ModuleSwitchRow)
# Billing's entitlement sets (services/common/entitlements.py), fed by a consumer of billing's stream.
entitlements = entitlements_table(metadata)
scim_hold_settings = core_table(ScimHoldSettingRow)
scim_deprovisions = core_table(ScimDeprovisionRow)
scim_held_changes = core_table(ScimHeldChangeRow)
scim_provisioning_settings = core_table(ScimProvisioningSettingRow)
scim_dry_run_changes = core_table(ScimDryRunChangeRow)


class MemberAvatarRow(MembershipBase, table=True):
    """A member's picture (domain/avatars.py): a small PNG, JPEG or WebP, kept apart from the member's row so that
    lists never carry it."""

    __tablename__ = "member_avatars"

    member_id: str = Field(primary_key=True, max_length=36, foreign_key="members.id")
    organization_id: str = Field(max_length=36)
    content_type: str = Field(max_length=32)
    data: bytes = Field(sa_type=LargeBinary)
    etag: str = Field(max_length=64, sa_column_kwargs={"comment": "hash of the picture: browsers revalidate by it"})
    updated_at: datetime = Field(sa_type=UTCDateTime)


class OrganizationLogoRow(MembershipBase, table=True):
    """The organization's logo as uploaded (domain/logos.py); its profile's logo_url then names it."""

    __tablename__ = "organization_logos"

    organization_id: str = Field(primary_key=True, max_length=36, foreign_key="organizations.id")
    content_type: str = Field(max_length=32)
    data: bytes = Field(sa_type=LargeBinary)
    etag: str = Field(max_length=64, sa_column_kwargs={"comment": "hash of the picture: browsers revalidate by it"})
    updated_at: datetime = Field(sa_type=UTCDateTime)


member_avatars = core_table(MemberAvatarRow)
organization_logos = core_table(OrganizationLogoRow)
