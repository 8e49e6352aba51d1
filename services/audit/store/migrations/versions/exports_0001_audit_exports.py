"""audit exports: each export of an organization's log with its progress, and its file in chunks

Revision ID: exports_0001
Revises: auditplus_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = "exports_0001"
down_revision: str | None = "auditplus_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_exports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column(
            "scope", sa.String(length=16), nullable=False, comment="log, or organization (a data export's log)"
        ),
        sa.Column("state", sa.String(length=16), nullable=False, comment="queued, running, succeeded or expired"),
        sa.Column("filter_start", services.common.db.UTCDateTime(), nullable=True),
        sa.Column("filter_end", services.common.db.UTCDateTime(), nullable=True),
        sa.Column("filter_action", sa.String(length=200), nullable=False),
        sa.Column("filter_action_prefix", sa.String(length=200), nullable=False),
        sa.Column("filter_actor_id", sa.String(length=200), nullable=False),
        sa.Column("filter_target_id", sa.String(length=200), nullable=False),
        sa.Column("filter_text", sa.String(length=200), nullable=False),
        sa.Column(
            "last_sequence", sa.Integer(), nullable=False, comment="the log's head when asked for: written up to it"
        ),
        sa.Column("scanned_sequence", sa.Integer(), nullable=False, comment="how far the job has read the log"),
        sa.Column("rows_written", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=1024), nullable=False),
        sa.Column("request_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", services.common.db.UTCDateTime(), nullable=False),
        sa.Column("finished_at", services.common.db.UTCDateTime(), nullable=True),
        sa.Column("expires_at", services.common.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_exports_organization", "audit_exports", ["organization_id", "created_at"])
    op.create_index("ix_audit_exports_state", "audit_exports", ["state", "created_at"])
    op.create_table(
        "audit_export_chunks",
        sa.Column("export_id", sa.String(length=36), nullable=False),
        sa.Column("chunk_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("export_id", "chunk_index"),
    )


def downgrade() -> None:
    op.drop_table("audit_export_chunks")
    op.drop_index("ix_audit_exports_state", table_name="audit_exports")
    op.drop_index("ix_audit_exports_organization", table_name="audit_exports")
    op.drop_table("audit_exports")
