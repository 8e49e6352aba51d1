"""the organization's uploaded logo, served by the gateway

Revision ID: logo_0001
Revises: avatar_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = "logo_0001"
down_revision: str | None = "avatar_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organization_logos",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column(
            "etag", sa.String(length=64), nullable=False, comment="hash of the picture: browsers revalidate by it"
        ),
        sa.Column("updated_at", services.common.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.PrimaryKeyConstraint("organization_id"),
    )


def downgrade() -> None:
    op.drop_table("organization_logos")
