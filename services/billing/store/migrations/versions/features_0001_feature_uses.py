"""feature uses: what an organization uses of its plan's features (enabled SSO connections), for downgrades

Revision ID: features_0001
Revises: perf_0001
Create Date: 2026-11-28 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "features_0001"
down_revision: str | None = "perf_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feature_uses",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("feature", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("in_use", sa.Boolean(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "feature", "subject_id"),
    )


def downgrade() -> None:
    op.drop_table("feature_uses")
