"""audit signed checkpoints and their published key set

Revision ID: audit_0002
Revises: audit_0001
Create Date: 2026-11-28 11:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = "audit_0002"
down_revision: str | None  = "audit_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_checkpoints",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("signed_at", services.common.db.UTCDateTime(), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("previous_signature", sa.String(length=128), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "sequence"),
        sa.UniqueConstraint("organization_id", "previous_signature", name="uq_audit_checkpoints_previous"),
    )
    op.create_table(
        "audit_checkpoint_keys",
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False, comment="raw Ed25519 public key, base64"),
        sa.Column("valid_from", services.common.db.UTCDateTime(), nullable=False),
        sa.Column("valid_until", services.common.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key_id"),
    )


def downgrade() -> None:
    op.drop_table("audit_checkpoint_keys")
    op.drop_table("audit_checkpoints")
