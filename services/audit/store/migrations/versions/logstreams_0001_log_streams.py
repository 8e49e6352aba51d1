"""audit log streams: per-organization destinations with a cursor and delivery state

Revision ID: logstreams_0001
Revises: analytics_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = "logstreams_0001"
down_revision: str | None = "analytics_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log_streams",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("secret", sa.String(length=512), nullable=False, comment="the signing secret, sealed (secret_box)"),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False, comment="the last sequence the destination acknowledged"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failing_since", services.common.db.UTCDateTime(), nullable=True),
        sa.Column("next_attempt_at", services.common.db.UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=1024), nullable=False),
        sa.Column("last_delivered_at", services.common.db.UTCDateTime(), nullable=True),
        sa.Column("created_at", services.common.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", services.common.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_streams_organization", "audit_log_streams", ["organization_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_streams_organization", table_name="audit_log_streams")
    op.drop_table("audit_log_streams")
