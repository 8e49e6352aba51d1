"""Identity enforces the plan's API-key limit from its projection of billing's entitlements; on SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from services.common.errors import FailedPrecondition
from services.common.principal import Principal
from services.common.tests.entitlement_events import deliver_entitlements, entitlements_changed
from services.identity.store.tables import entitlements
from services.identity.tests.harness import Identity, identity_on


@pytest.fixture
async def identity(database_url: str, principal_keys: tuple[str, str]) -> AsyncIterator[Identity]:
    async with identity_on(database_url, principal_keys) as harness:
        yield harness


async def signed_in_owner(identity: Identity) -> Principal:
    await identity.owner_account("owner@acme.test")
    token, _ = await identity.sign_in("owner@acme.test")
    return (await identity.use_cases.authentication.authenticate_session(token)).principal


async def test_the_plans_api_key_limit_refuses_one_key_more_and_names_the_limit(identity: Identity) -> None:
    owner = await signed_in_owner(identity)
    await deliver_entitlements(
        identity.db, entitlements, entitlements_changed("org-1", version=2, limits={"api_keys": 2})
    )
    first = await identity.use_cases.api_keys.create_api_key(owner, name="one", permissions=["members.read"])
    await identity.use_cases.api_keys.create_service_account(owner, name="two", permissions=["members.read"])
    with pytest.raises(FailedPrecondition) as refused:
        await identity.use_cases.api_keys.create_api_key(owner, name="three", permissions=["members.read"])
    assert refused.value.reason == "LIMIT_REACHED"
    assert refused.value.metadata == {"limit": "api_keys", "value": "2", "plan": "team-monthly"}
    await identity.use_cases.api_keys.revoke_api_key(owner, first.api_key.id)  # a revoked key frees its place
    await identity.use_cases.api_keys.create_api_key(owner, name="three", permissions=["members.read"])


async def test_an_upgrade_raises_the_limit_and_a_stale_set_changes_nothing(identity: Identity) -> None:
    owner = await signed_in_owner(identity)
    await deliver_entitlements(
        identity.db, entitlements, entitlements_changed("org-1", version=3, limits={"api_keys": 1})
    )
    await identity.use_cases.api_keys.create_api_key(owner, name="one", permissions=["members.read"])
    upgrade = entitlements_changed("org-1", version=5, plan_id="enterprise-yearly", limits={"api_keys": 100})
    await deliver_entitlements(identity.db, entitlements, upgrade)
    stale = entitlements_changed("org-1", version=4, limits={"api_keys": 1})  # delivered late: ignored
    await deliver_entitlements(identity.db, entitlements, stale)
    await identity.use_cases.api_keys.create_api_key(owner, name="two", permissions=["members.read"])


async def test_keys_are_not_limited_before_billing_has_told_the_plan(identity: Identity) -> None:
    owner = await signed_in_owner(identity)
    for index in range(3):
        await identity.use_cases.api_keys.create_api_key(owner, name=f"key {index}", permissions=["members.read"])
