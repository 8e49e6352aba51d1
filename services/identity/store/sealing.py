"""Re-sealing the secrets identity keeps at rest (TOTP seeds, OIDC client secrets, SAML SP private keys): values
stored in the clear (before sealing existed) or under a data key that is no longer the first are sealed again under
the first key, so an old key can then be dropped. Run by `migrate` (a synchronous connection, as Alembic holds one)."""

from __future__ import annotations

import json

from sqlalchemy import Connection, select, update

from services.common.secret_box import SecretBox
from services.identity.store.factors import totp_context
from services.identity.store.sso import client_secret_context, sp_key_context
from services.identity.store.tables import sso_connections, sso_sp_keys, totp_factors


def reseal_totp_seeds(connection: Connection, box: SecretBox) -> int:
    """Seal every TOTP seed under the box's first key; returns how many rows changed."""
    changed = 0
    rows = connection.execute(select(totp_factors.c.account_id, totp_factors.c.secret)).all()
    for account_id, stored in rows:
        if box.is_sealed_with_first_key(stored):
            continue
        context = totp_context(account_id)
        resealed = box.seal(box.open(stored, context), context)
        connection.execute(
            update(totp_factors)
            .where(totp_factors.c.account_id == account_id, totp_factors.c.secret == stored)
            .values(secret=resealed)
        )
        changed += 1
    return changed


def reseal_oidc_client_secrets(connection: Connection, box: SecretBox) -> int:
    """Seal every OIDC client secret (in a connection's settings document) under the box's first key; returns how
    many rows changed."""
    changed = 0
    rows = connection.execute(select(sso_connections.c.id, sso_connections.c.settings)).all()
    for connection_id, stored in rows:
        settings = json.loads(stored)
        secret = settings.get("oidc_client_secret") or ""
        if not secret or box.is_sealed_with_first_key(secret):
            continue
        context = client_secret_context(connection_id)
        settings["oidc_client_secret"] = box.seal(box.open(secret, context), context)
        connection.execute(
            update(sso_connections)
            .where(sso_connections.c.id == connection_id, sso_connections.c.settings == stored)
            .values(settings=json.dumps(settings, sort_keys=True))
        )
        changed += 1
    return changed


def reseal_sp_keys(connection: Connection, box: SecretBox) -> int:
    """Seal every SAML SP private key under the box's first key; returns how many rows changed."""
    changed = 0
    rows = connection.execute(select(sso_sp_keys.c.id, sso_sp_keys.c.private_key_pem)).all()
    for key_id, stored in rows:
        if box.is_sealed_with_first_key(stored):
            continue
        context = sp_key_context(key_id)
        connection.execute(
            update(sso_sp_keys)
            .where(sso_sp_keys.c.id == key_id, sso_sp_keys.c.private_key_pem == stored)
            .values(private_key_pem=box.seal(box.open(stored, context), context))
        )
        changed += 1
    return changed
