"""scim provisioning settings (dry-run mode, automatic seat purchase with a cap) and the dry-run records

Revision ID: scimtrueup_0001
Revises: deletion_0001
Create Date: 2026-11-28 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.common.db import UTCDateTime

revision: str = "scimtrueup_0001"
down_revision: str | None = "deletion_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scim_provisioning_settings",
        sa.Column("organization_id", sa.String(length=36), sa.ForeignKey("organizations.id"), primary_key=True),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("auto_purchase_seats", sa.Boolean(), nullable=False),
        sa.Column("max_seats", sa.Integer(), nullable=False),
    )
    op.create_table(
        "scim_dry_run_changes",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.String(length=36), nullable=False),
        sa.Column("target", sa.String(length=320), nullable=False),
        sa.Column("target_key", sa.String(length=320), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
    )
    op.create_index(
        "ix_scim_dry_run_changes_organization_at", "scim_dry_run_changes", ["organization_id", "recorded_at", "id"]
    )
    op.create_index(
        "ix_scim_dry_run_changes_organization_target", "scim_dry_run_changes", ["organization_id", "kind", "target_key"]
    )


def downgrade() -> None:
    op.drop_index("ix_scim_dry_run_changes_organization_target", table_name="scim_dry_run_changes")
    op.drop_index("ix_scim_dry_run_changes_organization_at", table_name="scim_dry_run_changes")
    op.drop_table("scim_dry_run_changes")
    op.drop_table("scim_provisioning_settings")
