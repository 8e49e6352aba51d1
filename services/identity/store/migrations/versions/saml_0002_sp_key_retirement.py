"""SP keys retire after a rotation's overlap: sso_sp_keys.retires_at

Revision ID: saml_0002
Revises: ipl_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = "saml_0002"
down_revision: str | None = "ipl_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sso_sp_keys", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "retires_at",
                services.common.db.UTCDateTime(),
                nullable=True,
                comment="end of the rotation overlap",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("sso_sp_keys", schema=None) as batch_op:
        batch_op.drop_column("retires_at")
