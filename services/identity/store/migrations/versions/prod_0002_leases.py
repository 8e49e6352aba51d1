"""leases: which replica runs the work one replica at a time does (the outbox relay, periodic jobs)

Revision ID: prod_0002
Revises: prod_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = "prod_0002"
down_revision: str | None  = "prod_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=100), nullable=False, comment="the work it guards"),
        sa.Column("holder", sa.String(length=200), nullable=False, comment="the replica holding it (its replica_id)"),
        sa.Column("expires_at", services.common.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("leases")
