"""idempotency keys of whole calls

Revision ID: dc5676d20122
Revises: 5b1e0c2d9a47
Create Date: 2026-11-28 08:02:11.618369
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'dc5676d20122'
down_revision: str | None = '5b1e0c2d9a47'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Whole-call idempotency keys: a pending row (no response yet) and the request's fingerprint.
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fingerprint', sa.String(length=64), nullable=True, comment='sha256 of caller and request; NULL for use cases'))
        batch_op.alter_column('response',
               existing_type=sa.LargeBinary(),
               nullable=True,
               comment='NULL while the first call runs')


def downgrade() -> None:
    op.execute(sa.text('DELETE FROM idempotency_keys WHERE response IS NULL'))
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.alter_column('response',
               existing_type=sa.LargeBinary(),
               nullable=False,
               comment=None,
               existing_comment='NULL while the first call runs')
        batch_op.drop_column('fingerprint')
