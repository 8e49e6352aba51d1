"""dry-run deprovisions: which recorded changes a live run would have counted toward the safety hold

Revision ID: dryhold_0001
Revises: earlydelete_0001
Create Date: 2026-11-28 22:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "dryhold_0001"
down_revision: str | None = "earlydelete_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scim_dry_run_changes") as batch:
        batch.add_column(sa.Column("deprovision", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("scim_dry_run_changes") as batch:
        batch.drop_column("deprovision")
