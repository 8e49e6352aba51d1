"""analytics: each member's last active day (active this week by a range count); log streams: destination format
and its sealed token, the previous signing secret kept during a rotation's overlap

Revision ID: auditplus_0001
Revises: logstreams_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = "auditplus_0001"
down_revision: str | None = "logstreams_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analytics_member_last_active",
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("last_active_day", sa.Date(), nullable=False),
        sa.Column("last_active_at", services.common.db.UTCDateTime(), nullable=False),
        sa.Column("seat_consuming", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "member_id"),
    )
    op.create_index(
        "ix_analytics_member_last_active_day",
        "analytics_member_last_active",
        ["organization_id", "last_active_day", "seat_consuming"],
    )
    # From the daily roll-up kept so far: the latest active day of each member (its time taken as the day's start).
    start_of_day = "CAST(MAX(a.day) AS TIMESTAMP)" if op.get_bind().dialect.name == "postgresql" else (
        "MAX(a.day) || ' 00:00:00.000000'"
    )
    op.execute(
        "INSERT INTO analytics_member_last_active "
        "(organization_id, member_id, last_active_day, last_active_at, seat_consuming) "
        f"SELECT a.organization_id, a.member_id, MAX(a.day), {start_of_day}, COALESCE(m.seat_consuming, false) "
        "FROM analytics_daily_activity a LEFT JOIN analytics_members m "
        "ON m.organization_id = a.organization_id AND m.member_id = a.member_id "
        "GROUP BY a.organization_id, a.member_id, m.seat_consuming"
    )
    with op.batch_alter_table("audit_log_streams") as batch:
        batch.add_column(
            sa.Column(
                "format",
                sa.String(length=16),
                nullable=False,
                server_default="webhook",
                comment="webhook, splunk_hec or datadog: the body and authentication the destination expects",
            )
        )
        batch.add_column(
            sa.Column(
                "destination_token",
                sa.String(length=1024),
                nullable=False,
                server_default="",
                comment="the Splunk HEC token or Datadog API key, sealed (secret_box); empty for a webhook",
            )
        )
        batch.add_column(
            sa.Column(
                "previous_secret",
                sa.String(length=512),
                nullable=False,
                server_default="",
                comment="the signing secret before the last rotation, sealed, still signing until previous_expires_at",
            )
        )
        batch.add_column(sa.Column("previous_expires_at", services.common.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log_streams") as batch:
        batch.drop_column("previous_expires_at")
        batch.drop_column("previous_secret")
        batch.drop_column("destination_token")
        batch.drop_column("format")
    op.drop_index("ix_analytics_member_last_active_day", table_name="analytics_member_last_active")
    op.drop_table("analytics_member_last_active")
