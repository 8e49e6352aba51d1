"""Failed sign-ins per client address in the database (shared by every replica), in 30-second buckets

Revision ID: ipl_0001
Revises: sso_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.common.db import UTCDateTime

revision: str = "ipl_0001"
down_revision: str | None = "sso_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ip_sign_in_failures",
        sa.Column("ip_address", sa.String(length=64), nullable=False),
        sa.Column("bucket_start", UTCDateTime(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("ip_address", "bucket_start"),
    )
    op.create_index("ix_ip_sign_in_failures_bucket_start", "ip_sign_in_failures", ["bucket_start"])


def downgrade() -> None:
    op.drop_index("ix_ip_sign_in_failures_bucket_start", table_name="ip_sign_in_failures")
    op.drop_table("ip_sign_in_failures")
