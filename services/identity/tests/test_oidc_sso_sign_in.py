"""OIDC through the SSO base, on SQLite and PostgreSQL, against a real provider process: BeginSignIn's URL, the
callback linking an existing member of a verified domain by (issuer, subject), a session and `sso.sign_in`;
an unverified email links nobody; refusals are audited."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from services.common.entitlements import Entitlements
from services.common.errors import Unauthenticated
from services.common.principal import system_principal
from services.common.tests.entitlement_events import deliver_entitlements, entitlements_changed
from services.identity.adapters.dns import DnspythonResolver
from services.identity.adapters.oidc import HttpOidcProviders
from services.identity.adapters.saml import Pysaml2Toolkit
from services.identity.domain.oidc_sign_in import oidc_redirect_uri
from services.identity.domain.sso.model import OIDC, SsoConnection, SsoDomain
from services.identity.domain.sso.use_cases import SsoUseCases
from services.identity.store.tables import entitlements
from services.identity.tests.harness import Identity, anonymous, identity_on
from services.identity.tests.oidc_harness import PERSON, new_binding, oidc_peers
from tests.peers.oidc_provider import OidcPeer

__all__ = ["oidc_peers"]

PUBLIC_URL = "https://tenantry.test"


@dataclass
class Sso:
    use_cases: SsoUseCases
    identity: Identity
    http: httpx.AsyncClient
    connection: SsoConnection

    async def callback(self, binding: str, return_to: str = "/portal") -> dict[str, str]:
        assert self.use_cases.oidc is not None
        started = await self.use_cases.oidc.begin(self.connection.id, binding, return_to)
        assert started is not None
        response = await self.http.get(started[0])
        return dict(parse_qsl(urlsplit(response.headers["location"]).query))


@pytest.fixture
async def sso(
    database_url: str, principal_keys: tuple[str, str], oidc_peers: tuple[OidcPeer, OidcPeer]
) -> AsyncIterator[Sso]:
    peer = oidc_peers[0]
    async with identity_on(database_url, principal_keys) as identity, httpx.AsyncClient(timeout=10) as http:
        identity.clock.advance(datetime.now(UTC) - identity.clock.now())  # the peer signs with the real time
        connection = SsoConnection(
            id="conn-oidc",
            organization_id="org-1",
            name="Acme Okta",
            protocol=OIDC,
            enabled=True,
            oidc_issuer=peer.issuer,
            oidc_client_id="tenantry",
            oidc_client_secret=secrets.token_urlsafe(24),
            preset="okta",
            created_at=identity.clock.now(),
            updated_at=identity.clock.now(),
        )
        peer.configure("tenantry", connection.oidc_client_secret, oidc_redirect_uri(PUBLIC_URL), PERSON)
        async with identity.store.write() as tx:
            await tx.insert_connection(connection)
            await tx.insert_domain(SsoDomain("org-1", "acme.test", "pending", "token", identity.clock.now()))
            await tx.mark_domain_verified("org-1", "acme.test", identity.clock.now())
        use_cases = SsoUseCases.wire(
            identity.store,
            identity.clock,
            saml=Pysaml2Toolkit(),
            resolver=DnspythonResolver(),  # not reached: no domain is verified through it here
            entitlements=Entitlements(identity.db, entitlements),  # not asked: the connection is stored enabled
            public_url=PUBLIC_URL,
            oidc_providers=HttpOidcProviders(http, identity.clock),
        )
        yield Sso(use_cases, identity, http, connection)


async def test_begin_sends_the_browser_to_the_provider_with_our_one_callback(sso: Sso) -> None:
    assert sso.use_cases.oidc is not None
    started = await sso.use_cases.oidc.begin(sso.connection.id, new_binding(), "/portal")
    assert started is not None
    query = dict(parse_qsl(urlsplit(started[0]).query))

    assert query["redirect_uri"] == "https://tenantry.test/sso/oidc/callback"
    assert query["state"] == started[1] and query["code_challenge_method"] == "S256"
    assert await sso.use_cases.oidc.begin("a-saml-connection", new_binding(), "/") is None


async def test_an_existing_member_of_the_verified_domain_is_linked_and_signed_in(sso: Sso) -> None:
    assert sso.use_cases.oidc is not None
    account_id = await sso.identity.owner_account(email=PERSON["email"])
    binding = new_binding()

    signed_in = await sso.use_cases.oidc.complete(
        await sso.callback(binding), binding, anonymous(), "203.0.113.9", "test-browser"
    )

    assert signed_in.result.session.account_id == account_id
    assert signed_in.result.session.method == "sso"
    assert signed_in.return_to == "/portal"
    principal = await sso.identity.principal(signed_in.result.token)
    assert principal.account_id == account_id
    [event] = await sso.identity.events("identity.sso.sign_in")
    assert event.organization_id == "org-1"


async def test_an_unverified_email_links_nobody(sso: Sso, oidc_peers: tuple[OidcPeer, OidcPeer]) -> None:
    assert sso.use_cases.oidc is not None
    await sso.identity.owner_account(email=PERSON["email"])
    oidc_peers[0].configure(
        "tenantry",
        sso.connection.oidc_client_secret,
        oidc_redirect_uri(PUBLIC_URL),
        PERSON | {"email_verified": False},
    )
    binding = new_binding()

    with pytest.raises(Unauthenticated):
        await sso.use_cases.oidc.complete(await sso.callback(binding), binding, anonymous(), "", "")
    assert await sso.identity.events("identity.sso.sign_in") == []
    assert len(await sso.identity.events("identity.sso.oidc.rejected")) == 1


async def test_a_refused_callback_is_audited_and_answers_one_generic_error(
    sso: Sso, oidc_peers: tuple[OidcPeer, OidcPeer]
) -> None:
    assert sso.use_cases.oidc is not None
    oidc_peers[0].misbehave("alg_none")
    binding = new_binding()

    with pytest.raises(Unauthenticated, match="was refused") as refused:
        await sso.use_cases.oidc.complete(await sso.callback(binding), binding, anonymous(), "", "")

    assert refused.value.reason == "SSO_RESPONSE_REJECTED"
    assert len(await sso.identity.events("identity.sso.oidc.rejected")) == 1


async def test_a_member_of_an_ended_organization_is_refused_at_the_oidc_callback_and_told_why(sso: Sso) -> None:
    """Issue 16: refused up front, before a session, naming the subscription's end (as a password sign-in does)."""
    assert sso.use_cases.oidc is not None
    account = await sso.identity.use_cases.accounts.create_account(
        system_principal(), email=PERSON["email"], password="correct horse battery staple"
    )
    await sso.identity.member_joined(account.id, "org-1", permissions=["members.read", "seat.use"], role="member")
    ended = entitlements_changed("org-1", version=2, active=False)
    await deliver_entitlements(sso.identity.db, entitlements, ended)
    binding = new_binding()
    with pytest.raises(Unauthenticated) as refused:
        await sso.use_cases.oidc.complete(await sso.callback(binding), binding, anonymous(), "203.0.113.9", "browser")
    assert refused.value.reason == "ORGANIZATION_ENDED"
    assert await sso.identity.events("identity.session.started") == []
    assert len(await sso.identity.events("identity.sso.oidc.rejected")) == 1
