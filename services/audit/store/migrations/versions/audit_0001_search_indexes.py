"""audit search indexes: actor IP and the time range

Revision ID: audit_0001
Revises: 620c8aa8b5b8
Create Date: 2026-11-28 11:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "audit_0001"
down_revision: str | None  = "620c8aa8b5b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_entries_actor_ip", "audit_entries", ["organization_id", "actor_ip", "sequence"])
    op.create_index("ix_audit_entries_occurred", "audit_entries", ["organization_id", "occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_audit_entries_occurred", table_name="audit_entries")
    op.drop_index("ix_audit_entries_actor_ip", table_name="audit_entries")
