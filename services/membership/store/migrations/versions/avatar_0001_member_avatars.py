"""members' pictures (respond.io's avatar), apart from the members' rows

Revision ID: avatar_0001
Revises: brand_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = "avatar_0001"
down_revision: str | None = "brand_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_avatars",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column(
            "etag", sa.String(length=64), nullable=False, comment="hash of the picture: browsers revalidate by it"
        ),
        sa.Column("updated_at", services.common.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("member_id"),
    )


def downgrade() -> None:
    op.drop_table("member_avatars")
