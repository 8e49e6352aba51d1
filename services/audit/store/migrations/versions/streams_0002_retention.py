"""audit retention per organization, with an operator's legal hold

Revision ID: streams_0002
Revises: streams_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = "streams_0002"
down_revision: str | None = "streams_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_retention_settings",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("legal_hold", sa.Boolean(), nullable=False),
        sa.Column("legal_hold_reason", sa.String(length=1024), nullable=False),
        sa.Column("updated_at", services.common.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id"),
    )
    op.create_index("ix_audit_entries_recorded", "audit_entries", ["organization_id", "recorded_at"])


def downgrade() -> None:
    op.drop_index("ix_audit_entries_recorded", table_name="audit_entries")
    op.drop_table("audit_retention_settings")
