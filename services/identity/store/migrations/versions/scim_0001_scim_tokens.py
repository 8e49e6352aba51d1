"""scim tokens: bearer tokens identity providers provision an organization with

Revision ID: scim_0001
Revises: oidc_0001
Create Date: 2026-11-28 11:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = 'scim_0001'
down_revision: str | None  = "oidc_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('scim_tokens',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('prefix', sa.String(length=32), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', services.common.db.UTCDateTime(), nullable=False),
    sa.Column('expires_at', services.common.db.UTCDateTime(), nullable=True),
    sa.Column('last_used_at', services.common.db.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', services.common.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('prefix')
    )
    with op.batch_alter_table('scim_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scim_tokens_organization_id'), ['organization_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('scim_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scim_tokens_organization_id'))
    op.drop_table('scim_tokens')
