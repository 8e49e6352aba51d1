"""mail outbox: mails sent after commit

Revision ID: adce503f735d
Revises: efc886b85c88
Create Date: 2026-11-28 08:59:58.070812
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = 'adce503f735d'
down_revision: str | None = 'efc886b85c88'
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
