"""analytics: usage event ids found by when they were received, so the retention job drops old ones

Revision ID: usageids_0001
Revises: exports_0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "usageids_0001"
down_revision: str | None = "exports_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_analytics_usage_events_received", "analytics_usage_events", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_analytics_usage_events_received", table_name="analytics_usage_events")
