"""TOTP seeds, OIDC client secrets and SAML SP private keys are sealed at rest with the data keys: a database dump
alone reveals none, a sealed value opens only in its own row, and `migrate` seals values stored in the clear and
re-seals them under a rotated key."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pyotp
import pytest
from sqlalchemy import create_engine, insert, select

from services.common.db import sync_url
from services.common.secret_box import SecretBox, SecretBoxError, new_key_entry
from services.identity.adapters.saml import Pysaml2Toolkit
from services.identity.domain.sso.model import OIDC, SpKey, SsoConnection
from services.identity.store.factors import totp_context
from services.identity.store.sealing import reseal_oidc_client_secrets, reseal_sp_keys, reseal_totp_seeds
from services.identity.store.sso import client_secret_context, sp_key_context
from services.identity.store.tables import sso_connections, sso_sp_keys, totp_factors
from services.identity.tests.harness import Identity, identity_on

OWNER = "owner@acme.test"


@pytest.fixture
async def identity(database_url: str, principal_keys: tuple[str, str]) -> AsyncIterator[Identity]:
    async with identity_on(database_url, principal_keys) as harness:
        await harness.owner_account(OWNER)
        yield harness


async def stored_seeds(identity: Identity) -> list[str]:
    async with identity.db.read() as connection:
        return list((await connection.execute(select(totp_factors.c.secret))).scalars())


async def test_a_totp_seed_is_stored_sealed_and_still_verifies_codes(identity: Identity) -> None:
    owner = await identity.principal((await identity.sign_in(OWNER))[0])
    enrollment = await identity.use_cases.credentials.enroll_totp(owner)

    [stored] = await stored_seeds(identity)
    assert stored.startswith("sb1.") and enrollment.secret not in stored

    code = pyotp.TOTP(enrollment.secret).at(identity.clock.now())
    recovery = await identity.use_cases.credentials.confirm_totp(owner, code)
    assert len(recovery) == 10  # the code was checked against the opened seed


def test_a_sealed_seed_copied_into_another_row_does_not_open() -> None:
    box = SecretBox.from_setting(new_key_entry("k1"))
    sealed = box.seal("JBSWY3DPEHPK3PXP", totp_context("account-a"))

    assert box.open(sealed, totp_context("account-a")) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(SecretBoxError):
        box.open(sealed, totp_context("account-b"))


def test_migrate_seals_clear_seeds_and_reseals_them_under_a_rotated_key(identity: Identity, database_url: str) -> None:
    old, new = new_key_entry("old"), new_key_entry("new")
    engine = create_engine(sync_url(database_url))
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(totp_factors).values(
                    account_id="legacy-account", secret="JBSWY3DPEHPK3PXP", created_at=datetime(2026, 1, 1, tzinfo=UTC)
                )
            )
            assert reseal_totp_seeds(connection, SecretBox.from_setting(old)) == 1
            under_old = connection.execute(select(totp_factors.c.secret)).scalar_one()
            # The rotation: the new key first, the old one still listed; migrate re-seals under the new key.
            assert reseal_totp_seeds(connection, SecretBox.from_setting(f"{new},{old}")) == 1
            assert reseal_totp_seeds(connection, SecretBox.from_setting(f"{new},{old}")) == 0
            under_new = connection.execute(select(totp_factors.c.secret)).scalar_one()
    finally:
        engine.dispose()

    assert under_old.startswith("sb1.old.") and "JBSWY3DPEHPK3PXP" not in under_old
    assert under_new.startswith("sb1.new.")
    only_new = SecretBox.from_setting(new)  # the old key can now be dropped
    assert only_new.open(under_new, totp_context("legacy-account")) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(SecretBoxError):
        only_new.open(under_old, totp_context("legacy-account"))


def oidc_connection(connection_id: str, secret: str, now: datetime) -> SsoConnection:
    return SsoConnection(
        id=connection_id,
        organization_id="org-1",
        name="Acme OIDC",
        protocol=OIDC,
        oidc_issuer="https://login.acme.example",
        oidc_client_id="tenantry",
        oidc_client_secret=secret,
        created_at=now,
        updated_at=now,
    )


async def test_an_oidc_client_secret_is_stored_sealed_and_read_back_in_the_clear(identity: Identity) -> None:
    async with identity.store.write() as tx:
        await tx.insert_connection(oidc_connection("conn-1", "client-s3cret", identity.clock.now()))
    async with identity.db.read() as connection:
        [stored] = (await connection.execute(select(sso_connections.c.settings))).scalars()
    assert "client-s3cret" not in stored
    assert json.loads(stored)["oidc_client_secret"].startswith("sb1.")
    async with identity.store.read() as tx:
        read = await tx.get_connection("conn-1")
    assert read is not None and read.oidc_client_secret == "client-s3cret"


def test_migrate_seals_clear_oidc_client_secrets_and_reseals_them_under_a_rotated_key(
    identity: Identity, database_url: str
) -> None:
    old, new = new_key_entry("old"), new_key_entry("new")
    settings = {"oidc_issuer": "https://login.acme.example", "oidc_client_secret": "legacy-s3cret"}
    engine = create_engine(sync_url(database_url))
    try:
        with engine.begin() as connection:
            now = datetime(2026, 1, 1, tzinfo=UTC)
            for connection_id, document in (("legacy", settings), ("saml", {"idp_entity_id": "https://idp"})):
                connection.execute(
                    insert(sso_connections).values(
                        id=connection_id,
                        organization_id="org-1",
                        name=connection_id,
                        protocol="oidc",
                        enabled=False,
                        settings=json.dumps(document),
                        version=1,
                        created_at=now,
                        updated_at=now,
                    )
                )
            assert reseal_oidc_client_secrets(connection, SecretBox.from_setting(old)) == 1
            assert reseal_oidc_client_secrets(connection, SecretBox.from_setting(f"{new},{old}")) == 1
            assert reseal_oidc_client_secrets(connection, SecretBox.from_setting(f"{new},{old}")) == 0
            stored = connection.execute(
                select(sso_connections.c.settings).where(sso_connections.c.id == "legacy")
            ).scalar_one()
    finally:
        engine.dispose()

    sealed = json.loads(stored)["oidc_client_secret"]
    assert sealed.startswith("sb1.new.") and "legacy-s3cret" not in stored
    assert SecretBox.from_setting(new).open(sealed, client_secret_context("legacy")) == "legacy-s3cret"
    with pytest.raises(SecretBoxError):
        SecretBox.from_setting(new).open(sealed, client_secret_context("another-connection"))


async def test_a_saml_sp_private_key_is_stored_sealed_and_read_back_in_the_clear(identity: Identity) -> None:
    now = identity.clock.now()
    private_pem, certificate_pem = Pysaml2Toolkit().new_key_pair("sp")
    async with identity.store.write() as tx:
        await tx.insert_sp_key(SpKey("key-1", "conn-1", private_pem, certificate_pem, now))
    async with identity.db.read() as connection:
        [stored] = (await connection.execute(select(sso_sp_keys.c.private_key_pem))).scalars()
    assert stored.startswith("sb1.") and "PRIVATE KEY" not in stored
    async with identity.store.read() as tx:
        [read] = await tx.sp_keys("conn-1")
    assert read.private_key_pem == private_pem


def test_migrate_seals_clear_sp_private_keys_and_reseals_them_under_a_rotated_key(
    identity: Identity, database_url: str
) -> None:
    old, new = new_key_entry("old"), new_key_entry("new")
    private_pem, certificate_pem = Pysaml2Toolkit().new_key_pair("sp")
    engine = create_engine(sync_url(database_url))
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(sso_sp_keys).values(
                    id="legacy-key",
                    connection_id="conn-1",
                    private_key_pem=private_pem,
                    certificate_pem=certificate_pem,
                    created_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
            )
            assert reseal_sp_keys(connection, SecretBox.from_setting(old)) == 1
            assert reseal_sp_keys(connection, SecretBox.from_setting(f"{new},{old}")) == 1
            assert reseal_sp_keys(connection, SecretBox.from_setting(f"{new},{old}")) == 0
            stored = connection.execute(select(sso_sp_keys.c.private_key_pem)).scalar_one()
    finally:
        engine.dispose()
    assert stored.startswith("sb1.new.") and "PRIVATE KEY" not in stored
    assert SecretBox.from_setting(new).open(stored, sp_key_context("legacy-key")) == private_pem
    with pytest.raises(SecretBoxError):
        SecretBox.from_setting(new).open(stored, sp_key_context("another-key"))
