"""module switches: product modules on or off per organization and per group

Revision ID: entl_0002
Revises: entl_0001
Create Date: 2026-11-28 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = 'entl_0002'
down_revision: str | None  = "entl_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('module_switches',
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('module_id', sa.String(length=64), nullable=False),
    sa.Column('group_id', sa.String(length=36), nullable=False, comment="'' for the organization"),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', services.common.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ),
    sa.PrimaryKeyConstraint('organization_id', 'module_id', 'group_id')
    )


def downgrade() -> None:
    op.drop_table('module_switches')
