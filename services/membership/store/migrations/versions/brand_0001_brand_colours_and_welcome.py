"""brand colours and welcome: an organization's second and accent colours, its welcome message and video

Revision ID: brand_0001
Revises: dryhold_0001
Create Date: 2026-11-28 22:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "brand_0001"
down_revision: str | None = "dryhold_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(sa.Column("secondary_color", sa.String(length=7), server_default="", nullable=False))
        batch.add_column(sa.Column("accent_color", sa.String(length=7), server_default="", nullable=False))
        batch.add_column(sa.Column("welcome_message", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("welcome_video_url", sa.String(length=2048), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.drop_column("welcome_video_url")
        batch.drop_column("welcome_message")
        batch.drop_column("accent_color")
        batch.drop_column("secondary_color")
