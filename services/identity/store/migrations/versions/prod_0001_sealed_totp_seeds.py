"""TOTP seeds sealed at rest: a wider column for the sealed form, and existing seeds sealed with the data keys

Revision ID: prod_0001
Revises: entl_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

revision: str = "prod_0001"
down_revision: str | None  = "entl_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMMENT = "sealed with the data keys (secret_box)"


def upgrade() -> None:
    with op.batch_alter_table("totp_factors") as batch:
        batch.alter_column(
            "secret", existing_type=sa.String(length=64), type_=sa.String(length=255), comment=COMMENT
        )
    # `migrate` hands over the service's data keys; without them (a bare Alembic run) the seeds stay readable in
    # the clear and the next `migrate` with keys seals them.
    box = context.config.attributes.get("secret_box")
    if box is not None:
        from services.identity.store.sealing import reseal_totp_seeds

        reseal_totp_seeds(op.get_bind(), box)


def downgrade() -> None:
    # Seeds are left sealed: a downgrade needs the keys to open them, so it is refused rather than half done.
    raise RuntimeError("prod_0001 cannot be downgraded: TOTP seeds are sealed")
