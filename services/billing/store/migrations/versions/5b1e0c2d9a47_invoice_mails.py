"""invoice mails sent after commit

Revision ID: 5b1e0c2d9a47
Revises: 26fb2d889b78
Create Date: 2026-11-28 08:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = '5b1e0c2d9a47'
down_revision: str | None = '26fb2d889b78'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('invoice_mails',
    sa.Column('invoice_id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('queued_at', services.common.db.UTCDateTime(), nullable=False),
    sa.Column('claimed_until', services.common.db.UTCDateTime(), nullable=True, comment='a sender holds it until then'),
    sa.Column('sent_at', services.common.db.UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('invoice_id')
    )
    op.create_index(op.f('ix_invoice_mails_sent_at'), 'invoice_mails', ['sent_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_invoice_mails_sent_at'), table_name='invoice_mails')
    op.drop_table('invoice_mails')
