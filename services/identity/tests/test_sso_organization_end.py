"""SSO sign-in to an organization whose subscription has ended (issue 16): refused up front at the SAML ACS, before
any account, member, seat or session is made, and told why; its Owners and Billing admins still sign in, read-only,
as a password sign-in lets them. On SQLite and PostgreSQL, with a real pysaml2 IdP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tenantry.events.v1 import identity_events_pb2

from services.common.errors import Unauthenticated
from services.common.principal import system_principal
from services.common.tests.entitlement_events import deliver_entitlements, entitlements_changed
from services.identity.store.tables import entitlements
from services.identity.tests.harness import anonymous
from services.identity.tests.sso_harness import ORG, Sso, sso_on

BROWSER = "browser-cookie-0123456789abcdef"
MEMBER = ["members.read", "seat.use"]
BILLING_ADMIN = ["members.read", "billing.read", "billing.manage", "audit.read"]


@pytest.fixture
async def sso(database_url: str, principal_keys: tuple[str, str]) -> AsyncIterator[Sso]:
    async with sso_on(database_url, principal_keys) as harness:
        yield harness


async def person(sso: Sso, email: str, permissions: list[str], role: str) -> str:
    account = await sso.identity.use_cases.accounts.create_account(
        system_principal(), email=email, password="correct horse battery staple"
    )
    await sso.identity.member_joined(account.id, ORG, permissions=permissions, role=role)
    return account.id


async def end_subscription(sso: Sso) -> None:
    """Billing's entitlements.changed with `active` false, as identity's consumer applies it."""
    await deliver_entitlements(sso.identity.db, entitlements, entitlements_changed(ORG, version=2, active=False))


async def rejection_reasons(sso: Sso) -> list[str]:
    reasons = []
    for envelope in await sso.identity.events("identity.sso.saml.rejected"):
        payload = identity_events_pb2.SsoSignInRejected()
        envelope.payload.Unpack(payload)
        reasons.append(payload.reason)
    return reasons


async def test_a_member_of_an_ended_organization_is_refused_at_the_saml_acs_and_told_why(sso: Sso) -> None:
    await person(sso, "ann@acme.test", MEMBER, "member")
    await sso.verified_domain()
    connection, idp = await sso.connection_with_idp()
    await end_subscription(sso)
    _, request_id = await sso.use_cases.saml.begin(connection.id, BROWSER, "/")
    with pytest.raises(Unauthenticated) as refused:
        await sso.use_cases.saml.complete(
            connection.id, sso.response(idp, connection, request_id), BROWSER, anonymous()
        )
    assert refused.value.reason == "ORGANIZATION_ENDED"
    assert "subscription has ended" in str(refused.value)
    assert await rejection_reasons(sso) == ["organization_ended"]
    assert await sso.identity.events("identity.session.started") == []


async def test_nobody_new_is_made_a_member_of_an_ended_organization_by_sso(sso: Sso) -> None:
    await sso.verified_domain()
    connection, idp = await sso.connection_with_idp()
    await sso.use_cases.connections.update(sso.owner, connection.id, {"jit_provisioning": True})
    await end_subscription(sso)
    _, request_id = await sso.use_cases.saml.begin(connection.id, BROWSER, "/")
    response = sso.response(idp, connection, request_id, name_id="newcomer@acme.test")
    with pytest.raises(Unauthenticated) as refused:
        await sso.use_cases.saml.complete(connection.id, response, BROWSER, anonymous())
    assert refused.value.reason == "ORGANIZATION_ENDED"
    async with sso.identity.store.read() as tx:
        assert await tx.find_account_by_email("newcomer@acme.test") is None  # no account made up front


async def test_a_billing_admin_of_an_ended_organization_signs_in_by_sso_to_the_read_only_way_in(sso: Sso) -> None:
    account_id = await person(sso, "ann@acme.test", BILLING_ADMIN, "billing_admin")
    await sso.verified_domain()
    connection, idp = await sso.connection_with_idp()
    await end_subscription(sso)
    _, request_id = await sso.use_cases.saml.begin(connection.id, BROWSER, "/")
    signed_in = await sso.use_cases.saml.complete(
        connection.id, sso.response(idp, connection, request_id), BROWSER, anonymous()
    )
    assert (signed_in.result.session.account_id, signed_in.result.session.organization_id) == (account_id, ORG)
    authenticated = await sso.identity.use_cases.authentication.authenticate_session(signed_in.result.token)
    # The portal shows them the read-only page: export or resubscribe.
    assert authenticated.organization_ended
    assert authenticated.principal.permissions <= frozenset(BILLING_ADMIN)
