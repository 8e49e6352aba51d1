"""scim users: SCIM attributes and email addresses of provisioned members

Revision ID: scim_0002
Revises: scim_0001
Create Date: 2026-11-28 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'scim_0002'
down_revision: str | None  = "scim_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('scim_users',
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('user_name', sa.String(length=320), nullable=False),
    sa.Column('user_name_key', sa.String(length=320), nullable=False),
    sa.Column('given_name', sa.String(length=200), nullable=False),
    sa.Column('family_name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('employee_number', sa.String(length=200), nullable=False),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('cost_center', sa.String(length=200), nullable=False),
    sa.Column('organization_name', sa.String(length=200), nullable=False),
    sa.Column('division', sa.String(length=200), nullable=False),
    sa.Column('manager_id', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.PrimaryKeyConstraint('member_id'),
    sa.UniqueConstraint('organization_id', 'user_name_key', name='uq_scim_users_organization_user_name')
    )
    op.create_table('scim_user_emails',
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.String(length=36), nullable=False),
    sa.Column('value', sa.String(length=320), nullable=False),
    sa.Column('value_key', sa.String(length=320), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.PrimaryKeyConstraint('member_id', 'position')
    )
    with op.batch_alter_table('scim_user_emails', schema=None) as batch_op:
        batch_op.create_index('ix_scim_user_emails_organization_value', ['organization_id', 'value_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('scim_user_emails', schema=None) as batch_op:
        batch_op.drop_index('ix_scim_user_emails_organization_value')
    op.drop_table('scim_user_emails')
    op.drop_table('scim_users')
