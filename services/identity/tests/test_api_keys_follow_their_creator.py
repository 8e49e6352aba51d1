"""Seed rule: API keys and service accounts follow their creator. When the creator is removed, deactivated or
loses permissions, their keys lose those permissions at once (a removed admin's key must not keep working).
On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from services.common.errors import Unauthenticated
from services.common.principal import system_principal
from services.identity.domain.api_keys import NewApiKey
from services.identity.tests.harness import PASSWORD, Identity, identity_on

ADMIN = ["members.read", "members.invite", "api_keys.manage", "security.manage"]


@pytest.fixture
async def identity(database_url: str, principal_keys: tuple[str, str]) -> AsyncIterator[Identity]:
    async with identity_on(database_url, principal_keys) as harness:
        yield harness


async def admin_with_key(identity: Identity, *, service_account: bool = False) -> tuple[str, NewApiKey]:
    account = await identity.use_cases.accounts.create_account(
        system_principal(), email="admin@acme.test", password=PASSWORD
    )
    await identity.member_joined(account.id, permissions=ADMIN, version=1)
    token, _ = await identity.sign_in("admin@acme.test", organization_id="org-1")
    admin = await identity.principal(token)
    create = (
        identity.use_cases.api_keys.create_service_account
        if service_account
        else identity.use_cases.api_keys.create_api_key
    )
    key = await create(admin, name="sync", permissions=["members.read", "members.invite"])
    return account.id, key


async def key_permissions(identity: Identity, key: NewApiKey) -> frozenset[str]:
    return (await identity.use_cases.authentication.authenticate_api_key(key.secret)).principal.permissions


@pytest.mark.parametrize("status", ["removed", "deactivated"])
async def test_api_keys_follow_their_creator_a_removed_or_deactivated_creators_keys_stop_at_once(
    identity: Identity, status: str
) -> None:
    account_id, key = await admin_with_key(identity)
    assert await key_permissions(identity, key) == {"members.read", "members.invite"}
    await identity.member_joined(account_id, permissions=ADMIN, version=2, status=status)
    with pytest.raises(Unauthenticated) as refused:
        await key_permissions(identity, key)
    assert refused.value.reason == "API_KEY_CREATOR_INACTIVE"


async def test_api_keys_follow_their_creator_a_creator_who_loses_a_permission_takes_it_from_their_keys(
    identity: Identity,
) -> None:
    account_id, key = await admin_with_key(identity, service_account=True)
    await identity.member_joined(account_id, permissions=["members.read", "api_keys.manage"], version=2)
    assert await key_permissions(identity, key) == {"members.read"}
    await identity.member_joined(account_id, permissions=ADMIN, version=3)  # given back: the key has it again
    assert await key_permissions(identity, key) == {"members.read", "members.invite"}
