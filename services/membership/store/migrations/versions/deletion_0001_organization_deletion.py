"""organization deletion: the operator's legal hold and the deleted organizations' tombstones

Revision ID: deletion_0001
Revises: holds_0001
Create Date: 2026-11-28 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = 'deletion_0001'
down_revision: str | None = 'holds_0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deletion_hold', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(
            sa.Column('deletion_hold_reason', sa.String(length=1024), server_default='', nullable=False)
        )
    op.create_table(
        'deleted_organizations',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('deleted_at', services.common.db.UTCDateTime(), nullable=False),
        sa.Column('scheduled_at', services.common.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('deleted_organizations')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('deletion_hold_reason')
        batch_op.drop_column('deletion_hold')
