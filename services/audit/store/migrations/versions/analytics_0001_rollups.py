"""analytics: member, group and seat projections, daily activity and usage roll-ups, counted usage event ids

Revision ID: analytics_0001
Revises: streams_0002
Create Date: 2026-11-28 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = "analytics_0001"
down_revision: str | None = "streams_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analytics_members",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("seat_consuming", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "member_id"),
    )
    op.create_index("ix_analytics_members_account", "analytics_members", ["account_id"])
    op.create_table(
        "analytics_groups",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("group_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "group_id"),
    )
    op.create_table(
        "analytics_group_members",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("group_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "group_id", "member_id"),
    )
    op.create_table(
        "analytics_seats",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("seats_purchased", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id"),
    )
    op.create_table(
        "analytics_daily_activity",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sign_ins", sa.Integer(), nullable=False),
        sa.Column("usage_events", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "member_id", "day"),
    )
    op.create_index(
        "ix_analytics_daily_activity_day", "analytics_daily_activity", ["organization_id", "day", "member_id"]
    )
    op.create_table(
        "analytics_daily_active",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("active_members", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "day"),
    )
    op.create_table(
        "analytics_daily_usage",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=100), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "member_id", "day", "metric"),
    )
    op.create_table(
        "analytics_daily_usage_totals",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=100), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "day", "metric"),
    )
    op.create_table(
        "analytics_group_daily_usage",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("group_id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=100), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "group_id", "day", "metric"),
    )
    op.create_table(
        "analytics_pending_sign_ins",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sign_ins", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "account_id", "day"),
    )
    op.create_table(
        "analytics_usage_events",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", services.common.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "event_id"),
    )


def downgrade() -> None:
    for table in (
        "analytics_usage_events",
        "analytics_pending_sign_ins",
        "analytics_group_daily_usage",
        "analytics_daily_usage_totals",
        "analytics_daily_usage",
        "analytics_daily_active",
        "analytics_daily_activity",
        "analytics_seats",
        "analytics_group_members",
        "analytics_groups",
        "analytics_members",
    ):
        op.drop_table(table)
