"""When a canceled subscription ends, the organization's members lose access at once (the seeds: Talkspirit,
Talkatoo, respond.io); Owners and Billing admins keep a read-only way in to export or resubscribe. Fed with
billing's entitlements.changed as identity's consumer receives it; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tenantry.events.v1 import envelope_pb2

from services.common.entitlements import EntitlementProjection
from services.common.errors import Unauthenticated
from services.common.principal import system_principal
from services.common.tests.entitlement_events import entitlements_changed
from services.identity.events.consume import OrganizationEndProjection
from services.identity.store.tables import entitlements
from services.identity.tests.harness import PASSWORD, Identity, identity_on

MEMBER = ["members.read", "seat.use"]
OWNER = ["members.read", "members.invite", "api_keys.manage", "billing.read", "billing.manage", "org.delete"]


@pytest.fixture
async def identity(database_url: str, principal_keys: tuple[str, str]) -> AsyncIterator[Identity]:
    async with identity_on(database_url, principal_keys) as harness:
        yield harness


async def deliver(identity: Identity, envelope: envelope_pb2.Envelope) -> None:
    """Apply billing's event as identity's entitlements consumer does."""
    projection = OrganizationEndProjection(
        EntitlementProjection(entitlements, identity.clock), identity.store, identity.clock
    )
    async with identity.db.write() as connection:
        await projection.on_entitlements_changed(connection, envelope)


async def person(identity: Identity, email: str, permissions: list[str], organization_id: str = "org-1") -> str:
    account = await identity.use_cases.accounts.create_account(system_principal(), email=email, password=PASSWORD)
    await identity.member_joined(account.id, organization_id, permissions=permissions)
    return account.id


async def test_when_the_subscription_ends_every_session_of_the_organization_ends_at_once(identity: Identity) -> None:
    await person(identity, "owner@acme.test", OWNER)
    await person(identity, "member@acme.test", MEMBER)
    await person(identity, "other@globex.test", MEMBER, organization_id="org-2")
    await deliver(identity, entitlements_changed("org-1", version=1))
    owner_token, _ = await identity.sign_in("owner@acme.test", organization_id="org-1")
    member_token, _ = await identity.sign_in("member@acme.test", organization_id="org-1")
    other_token, _ = await identity.sign_in("other@globex.test", organization_id="org-2")

    await deliver(identity, entitlements_changed("org-1", version=2, active=False))

    for token in (owner_token, member_token):
        with pytest.raises(Unauthenticated):
            await identity.principal(token)
    ended = await identity.events("identity.session.ended")
    assert len(ended) == 2
    assert (await identity.principal(other_token)).organization_id == "org-2"  # another organization is untouched
    await deliver(identity, entitlements_changed("org-1", version=2, active=False))  # a replay ends nothing more
    assert len(await identity.events("identity.session.ended")) == 2


async def test_a_member_of_an_ended_organization_cannot_sign_in_and_is_told_why(identity: Identity) -> None:
    await person(identity, "member@acme.test", MEMBER)
    await deliver(identity, entitlements_changed("org-1", version=2, active=False))
    with pytest.raises(Unauthenticated) as refused:
        await identity.sign_in("member@acme.test", organization_id="org-1")
    assert refused.value.reason == "ORGANIZATION_ENDED"
    with pytest.raises(Unauthenticated) as wrong_password:
        await identity.sign_in("member@acme.test", password="not the password", organization_id="org-1")
    assert wrong_password.value.reason == "INVALID_CREDENTIALS"  # nothing told to who does not know the password


async def test_an_owner_of_an_ended_organization_signs_in_read_only_to_export_or_resubscribe(
    identity: Identity,
) -> None:
    await person(identity, "owner@acme.test", OWNER)
    await deliver(identity, entitlements_changed("org-1", version=2, active=False))
    token, _ = await identity.sign_in("owner@acme.test", organization_id="org-1")
    authenticated = await identity.use_cases.authentication.authenticate_session(token)
    assert authenticated.organization_ended
    assert authenticated.principal.permissions == frozenset({"members.read", "billing.read", "billing.manage"})


async def test_api_keys_of_an_ended_organization_stop_and_work_again_after_resubscribing(identity: Identity) -> None:
    await person(identity, "owner@acme.test", OWNER)
    await deliver(identity, entitlements_changed("org-1", version=1))
    token, _ = await identity.sign_in("owner@acme.test", organization_id="org-1")
    owner = await identity.principal(token)
    key = await identity.use_cases.api_keys.create_api_key(owner, name="sync", permissions=["members.read"])

    await deliver(identity, entitlements_changed("org-1", version=2, active=False))
    with pytest.raises(Unauthenticated) as refused:
        await identity.use_cases.authentication.authenticate_api_key(key.secret)
    assert refused.value.reason == "ORGANIZATION_ENDED"

    await deliver(identity, entitlements_changed("org-1", version=3))  # resubscribed
    assert (
        await identity.use_cases.authentication.authenticate_api_key(key.secret)
    ).principal.organization_id == "org-1"
    member_token, _ = await identity.sign_in("owner@acme.test", organization_id="org-1")
    assert not (await identity.use_cases.authentication.authenticate_session(member_token)).organization_ended


async def test_a_late_ended_set_does_not_end_a_resubscribed_organizations_sessions(identity: Identity) -> None:
    await person(identity, "member@acme.test", MEMBER)
    await deliver(identity, entitlements_changed("org-1", version=3))
    token, _ = await identity.sign_in("member@acme.test", organization_id="org-1")
    await deliver(identity, entitlements_changed("org-1", version=2, active=False))  # older, delivered late
    assert (await identity.principal(token)).organization_id == "org-1"
