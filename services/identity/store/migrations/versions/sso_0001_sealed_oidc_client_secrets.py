"""OIDC client secrets sealed at rest: existing secrets in connection settings sealed with the data keys

Revision ID: sso_0001
Revises: prod_0002
"""

from collections.abc import Sequence

from alembic import context, op

revision: str = "sso_0001"
down_revision: str | None = "prod_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # `migrate` hands over the service's data keys; without them (a bare Alembic run) the secrets stay readable in
    # the clear and the next `migrate` with keys seals them.
    box = context.config.attributes.get("secret_box")
    if box is not None:
        from services.identity.store.sealing import reseal_oidc_client_secrets

        reseal_oidc_client_secrets(op.get_bind(), box)


def downgrade() -> None:
    # Secrets are left sealed: a downgrade needs the keys to open them, so it is refused rather than half done.
    raise RuntimeError("sso_0001 cannot be downgraded: OIDC client secrets are sealed")
