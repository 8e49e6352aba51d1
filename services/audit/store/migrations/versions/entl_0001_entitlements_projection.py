"""entitlements projection: billing's entitlement sets, newest version wins

Revision ID: entl_0001
Revises: audit_0002
Create Date: 2026-11-28 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = 'entl_0001'
down_revision: str | None  = "audit_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('entitlements',
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('plan_id', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('features', sa.Text(), nullable=False, comment='JSON list of feature names'),
    sa.Column('limits', sa.Text(), nullable=False, comment='JSON object: limit name -> whole number'),
    sa.Column('modules', sa.Text(), nullable=False, comment='JSON list of module names'),
    sa.Column('offers', sa.Text(), nullable=False, comment='JSON object: entitlement -> names of plans'),
    sa.Column('version', sa.Integer(), nullable=False, comment="the subscription's version; older sets are ignored"),
    sa.Column('updated_at', services.common.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('organization_id')
    )


def downgrade() -> None:
    op.drop_table('entitlements')
