"""mail outbox: mails sent after commit

Revision ID: 94bd2042fd6c
Revises: c64d940f503c
Create Date: 2026-11-28 08:59:56.357923
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = '94bd2042fd6c'
down_revision: str | None = 'c64d940f503c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('mail_outbox',
    sa.Column('message_id', sa.String(length=255), nullable=False, comment='the Message-ID header, angle brackets and all'),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('message', sa.LargeBinary(), nullable=False, comment='the composed message, as sent'),
    sa.Column('queued_at', services.common.db.UTCDateTime(), nullable=False),
    sa.Column('claimed_until', services.common.db.UTCDateTime(), nullable=True, comment='a sender holds it until then'),
    sa.Column('sent_at', services.common.db.UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('message_id')
    )
    op.create_index(op.f('ix_mail_outbox_sent_at'), 'mail_outbox', ['sent_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_mail_outbox_sent_at'), table_name='mail_outbox')
    op.drop_table('mail_outbox')
