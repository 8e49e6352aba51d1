"""SCIM tokens: only plans with "scim" (in identity's projection of billing's entitlements), shown once and stored
hashed, a SCIM principal of the token's organization, rotation with an overlap, revocation at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.common.entitlements import Entitlements
from services.common.errors import FailedPrecondition, PermissionDenied, Unauthenticated
from services.common.principal import Principal, PrincipalSigner
from services.common.tests.entitlement_events import deliver_entitlements, entitlements_changed
from services.identity.domain.scim_tokens import ScimTokenUseCases
from services.identity.store.tables import entitlements, scim_tokens
from services.identity.tests.harness import OWNER_PERMISSIONS, Identity, identity_on


@pytest.fixture
async def identity(database_url: str, principal_keys: tuple[str, str]) -> AsyncIterator[Identity]:
    async with identity_on(database_url, principal_keys) as running:
        yield running


def plan_entitlements(identity: Identity) -> Entitlements:
    return Entitlements(identity.db, entitlements)


async def on_plan(identity: Identity, version: int, features: tuple[str, ...]) -> None:
    """Billing's entitlement set for org-1 reaches identity's projection, as its consumer applies it."""
    await deliver_entitlements(
        identity.db, entitlements, entitlements_changed("org-1", version=version, features=features)
    )


async def test_a_scim_token_provisions_only_its_organization_and_stops_when_revoked(
    identity: Identity, principal_keys: tuple[str, str]
) -> None:
    signer = PrincipalSigner(principal_keys[0], clock=identity.clock)
    tokens = ScimTokenUseCases(identity.store, identity.clock, plan_entitlements(identity), signer)
    owner = Principal(
        actor_type="user",
        actor_id="acc-owner",
        account_id="acc-owner",
        organization_id="org-1",
        permissions=frozenset(OWNER_PERMISSIONS),
        authenticated_at=identity.clock.now(),
    )
    # No plan known yet, then a plan without SCIM: no SCIM token.
    with pytest.raises(FailedPrecondition) as unknown:
        await tokens.create(owner, "Okta")
    assert unknown.value.reason == "ENTITLEMENTS_UNKNOWN"
    await on_plan(identity, 1, ("audit_log", "sso"))
    with pytest.raises(FailedPrecondition) as refused:
        await tokens.create(owner, "Okta")
    assert refused.value.reason == "ENTITLEMENT_REQUIRED" and "Enterprise" in refused.value.message

    await on_plan(identity, 2, ("audit_log", "sso", "scim"))
    created = await tokens.create(owner, "Okta")
    assert created.secret.startswith("scim_")
    async with identity.db.read() as connection:
        stored = (await connection.execute(select(scim_tokens))).all()
    assert created.secret not in str(stored)

    authenticated = await tokens.authenticate(created.secret)
    assert authenticated.principal.actor_type == "scim"
    assert authenticated.principal.organization_id == "org-1"
    assert "members.invite" in authenticated.principal.permissions
    assert "security.manage" not in authenticated.principal.permissions
    assert identity.verifier.verify(authenticated.token).organization_id == "org-1"

    # Rotation: the old token works through the overlap, then stops.
    rotated, previous = await tokens.rotate(owner, created.token.id, timedelta(hours=1))
    await tokens.authenticate(created.secret)
    await tokens.authenticate(rotated.secret)
    assert previous.expires_at == identity.clock.now() + timedelta(hours=1)
    identity.clock.advance(timedelta(hours=1, seconds=1))
    with pytest.raises(Unauthenticated):
        await tokens.authenticate(created.secret)

    await tokens.revoke(replace(owner, authenticated_at=identity.clock.now()), rotated.token.id)
    with pytest.raises(Unauthenticated):
        await tokens.authenticate(rotated.secret)
    assert [t.revoked_at is not None for t in await tokens.list_tokens(owner, include_inactive=True)] == [True, False]
    assert len(await identity.events("identity.credential.revoked")) == 1
    for forged in ("", "scim_x_y", created.secret + "x", "tnt_" + rotated.secret[5:]):
        with pytest.raises(Unauthenticated):
            await tokens.authenticate(forged)


async def test_creating_a_scim_token_needs_security_manage_and_a_recent_sign_in(
    identity: Identity, principal_keys: tuple[str, str]
) -> None:
    signer = PrincipalSigner(principal_keys[0], clock=identity.clock)
    tokens = ScimTokenUseCases(identity.store, identity.clock, plan_entitlements(identity), signer)
    await on_plan(identity, 1, ("scim",))
    admin = Principal(
        actor_type="user",
        actor_id="acc-a",
        account_id="acc-a",
        organization_id="org-1",
        permissions=frozenset({"members.read", "members.invite"}),
        authenticated_at=identity.clock.now(),
    )
    with pytest.raises(PermissionDenied):
        await tokens.create(admin, "Okta")
    stale_owner = replace(
        admin,
        permissions=frozenset(OWNER_PERMISSIONS),
        authenticated_at=identity.clock.now() - timedelta(hours=1),
    )
    with pytest.raises(PermissionDenied) as stale:
        await tokens.create(stale_owner, "Okta")
    assert stale.value.reason == "REAUTHENTICATION_REQUIRED"
