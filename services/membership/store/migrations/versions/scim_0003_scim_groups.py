"""scim groups: the identity provider's external id of a group, and whether SCIM manages it

Revision ID: scim_0003
Revises: prod_0001
Create Date: 2026-11-28 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "scim_0003"
down_revision: str | None = "prod_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(sa.Column("external_id", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("scim_managed", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_index("ix_groups_organization_external_id", ["organization_id", "external_id"])


def downgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.drop_index("ix_groups_organization_external_id")
        batch.drop_column("scim_managed")
        batch.drop_column("external_id")
