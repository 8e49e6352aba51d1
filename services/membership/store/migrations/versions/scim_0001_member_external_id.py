"""members: the identity provider's external id (provisioning)

Revision ID: scim_0001
Revises: 94bd2042fd6c
Create Date: 2026-11-28 11:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'scim_0001'
down_revision: str | None  = "94bd2042fd6c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_id', sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint('uq_members_organization_external_id', ['organization_id', 'external_id'])


def downgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_constraint('uq_members_organization_external_id', type_='unique')
        batch_op.drop_column('external_id')
