"""pending OIDC logins (state, nonce, PKCE verifier, browser binding), used once

Revision ID: oidc_0001
Revises: saml_0001
Create Date: 2026-11-28 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = 'oidc_0001'
down_revision: str | None  = "saml_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('oidc_logins',
    sa.Column('state_hash', sa.String(length=64), nullable=False, comment='sha256 of `state`'),
    sa.Column('binding_hash', sa.String(length=64), nullable=False,
              comment='sha256 of the browser binding cookie that started it'),
    sa.Column('connection_id', sa.String(length=36), nullable=False),
    sa.Column('nonce', sa.String(length=128), nullable=False),
    sa.Column('code_verifier', sa.String(length=128), nullable=False),
    sa.Column('return_to', sa.String(length=2048), nullable=False),
    sa.Column('created_at', services.common.db.UTCDateTime(), nullable=False),
    sa.Column('expires_at', services.common.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('state_hash')
    )
    op.create_index(op.f('ix_oidc_logins_expires_at'), 'oidc_logins', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_oidc_logins_expires_at'), table_name='oidc_logins')
    op.drop_table('oidc_logins')
