"""scim safety hold: the organization's threshold, SCIM deprovisions of the sliding hour, held changes

Revision ID: holds_0001
Revises: scim_0003
Create Date: 2026-11-28 15:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.common.db import UTCDateTime

revision: str = "holds_0001"
down_revision: str | None = "scim_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scim_hold_settings",
        sa.Column("organization_id", sa.String(length=36), sa.ForeignKey("organizations.id"), primary_key=True),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("floor", sa.Integer(), nullable=False),
    )
    op.create_table(
        "scim_deprovisions",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_scim_deprovisions_organization_at", "scim_deprovisions", ["organization_id", "at"])
    op.create_table(
        "scim_held_changes",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("held_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("organization_id", "member_id", "action", name="uq_scim_held_changes_member_action"),
    )


def downgrade() -> None:
    op.drop_table("scim_held_changes")
    op.drop_index("ix_scim_deprovisions_organization_at", table_name="scim_deprovisions")
    op.drop_table("scim_deprovisions")
    op.drop_table("scim_hold_settings")
