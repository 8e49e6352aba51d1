"""member seat switch: seat.use apart from the role (NULL follows the role)

Revision ID: seatuse_0001
Revises: scimtrueup_0001
Create Date: 2026-11-28 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "seatuse_0001"
down_revision: str | None = "scimtrueup_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("seat", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("seat")
