"""audit's projection of which organizations an account belongs to, for its security events

Revision ID: streams_0001
Revises: prod_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "streams_0001"
down_revision: str | None = "prod_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_account_memberships",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "member_id"),
    )
    op.create_index("ix_audit_account_memberships_account", "audit_account_memberships", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_account_memberships_account", table_name="audit_account_memberships")
    op.drop_table("audit_account_memberships")
