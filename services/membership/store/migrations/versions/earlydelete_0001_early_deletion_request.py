"""early deletion request: an Owner's pending deletion of the organization with its grace period

Revision ID: earlydelete_0001
Revises: seatuse_0001
Create Date: 2026-11-28 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = "earlydelete_0001"
down_revision: str | None = "seatuse_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(sa.Column("requested_deletion_at", services.common.db.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("deletion_requested_at", services.common.db.UTCDateTime(), nullable=True))
        batch.add_column(
            sa.Column("deletion_requested_by", sa.String(length=36), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.drop_column("deletion_requested_by")
        batch.drop_column("deletion_requested_at")
        batch.drop_column("requested_deletion_at")
