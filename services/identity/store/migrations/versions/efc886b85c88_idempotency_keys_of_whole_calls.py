"""idempotency keys of whole calls

Revision ID: efc886b85c88
Revises: 53e06df3efe6
Create Date: 2026-11-28 08:02:04.011871
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'efc886b85c88'
down_revision: str | None = '53e06df3efe6'
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
