"""SAML sign-in through identity's use cases on SQLite and PostgreSQL: RELIABILITY S7 (replay across replicas),
S8 (InResponseTo bound to the browser), linking by verified domain, session caps, rollover, configuration rules,
domain verification against a real DNS server, and "SSO required"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied, Unauthenticated
from services.common.principal import Principal
from services.identity.domain.sso.model import SAML, SsoConnection
from services.identity.domain.sso.saml_sign_in import REFUSED
from services.identity.tests.harness import anonymous
from services.identity.tests.sso_harness import ORG, Sso, sso_on
from tests.peers.saml_idp import KeyPair

BROWSER = "browser-cookie-0123456789abcdef"
OTHER_BROWSER = "browser-cookie-fedcba9876543210"


@pytest.fixture
async def sso(database_url: str, principal_keys: tuple[str, str]) -> AsyncIterator[Sso]:
    async with sso_on(database_url, principal_keys) as harness:
        yield harness


async def ann_is_a_member(sso: Sso) -> str:
    from services.common.principal import system_principal

    account = await sso.identity.use_cases.accounts.create_account(
        system_principal(), email="ann@acme.test", password="correct horse battery staple"
    )
    await sso.identity.member_joined(account.id, ORG, permissions=["members.read"], role="member")
    return account.id


async def rejection_reasons(sso: Sso) -> list[str]:
    from tenantry.events.v1 import identity_events_pb2

    reasons = []
    for envelope in await sso.identity.events("identity.sso.saml.rejected"):
        payload = identity_events_pb2.SsoSignInRejected()
        envelope.payload.Unpack(payload)
        reasons.append(payload.reason)
    return reasons


async def test_a_member_of_a_verified_domain_signs_in_and_is_linked_by_issuer_and_subject(sso: Sso) -> None:
    account_id = await ann_is_a_member(sso)
    await sso.verified_domain()
    connection, idp = await sso.connection_with_idp()
    redirect, request_id = await sso.use_cases.saml.begin(connection.id, BROWSER, "/portal/members")
    assert redirect.startswith("https://idp.test/sso?SAMLRequest=") and "&Signature=" in redirect
    cap = sso.identity.clock.now() + timedelta(minutes=30)
    signed_in = await sso.use_cases.saml.complete(
        connection.id, sso.response(idp, connection, request_id, session_not_on_or_after=cap), BROWSER, anonymous()
    )
    session = signed_in.result.session
    assert (session.account_id, session.organization_id, session.method) == (account_id, ORG, "sso")
    assert session.expires_at <= cap  # the IdP's SessionNotOnOrAfter caps the organization's lifetime
    assert signed_in.return_to == "/portal/members"
    principal = await sso.identity.principal(signed_in.result.token)
    assert principal.account_id == account_id
    [event] = await sso.identity.events("identity.sso.sign_in")
    assert event.organization_id == ORG


async def test_S7_saml_replay_rejected_across_replicas(sso: Sso) -> None:
    await ann_is_a_member(sso)
    await sso.verified_domain()
    connection, idp = await sso.connection_with_idp()
    _, request_id = await sso.use_cases.saml.begin(connection.id, BROWSER, "/")
    response = sso.response(idp, connection, request_id)
    await sso.use_cases.saml.complete(connection.id, response, BROWSER, anonymous())
    for replica in (sso.use_cases, sso.replica):
        assert replica is not None
        with pytest.raises(Unauthenticated):
            await replica.saml.complete(connection.id, response, BROWSER, anonymous())
    assert len(await sso.identity.events("identity.sso.sign_in")) == 1


async def test_S7_an_idp_initiated_response_is_accepted_once(sso: Sso) -> None:
    await ann_is_a_member(sso)
    await sso.verified_domain()
    connection, idp = await sso.connection_with_idp()
    await sso.use_cases.connections.update(sso.owner, connection.id, {"idp_initiated_enabled": True})
    response = sso.response(idp, connection, None)
    await sso.use_cases.saml.complete(connection.id, response, "", anonymous())
    assert sso.replica is not None
    with pytest.raises(Unauthenticated):
        await sso.replica.saml.complete(connection.id, response, "", anonymous())
    assert await rejection_reasons(sso) == ["replay"]


async def test_S8_in_response_to_is_bound_to_the_browser_and_the_request(sso: Sso) -> None:
    await ann_is_a_member(sso)
    await sso.verified_domain()
    connection, idp = await sso.connection_with_idp()
    other_connection, _ = await sso.connection_with_idp()
    # (a) no InResponseTo while IdP-initiated sign-in is off
    with pytest.raises(Unauthenticated):
        await sso.use_cases.saml.complete(connection.id, sso.response(idp, connection, None), BROWSER, anonymous())
    # (b) the InResponseTo of another connection's request
    _, foreign_request = await sso.use_cases.saml.begin(other_connection.id, BROWSER, "/")
    with pytest.raises(Unauthenticated):
        await sso.use_cases.saml.complete(
            connection.id, sso.response(idp, connection, foreign_request), BROWSER, anonymous()
        )
    # ... and of a request nobody made
    with pytest.raises(Unauthenticated):
        await sso.use_cases.saml.complete(
            connection.id, sso.response(idp, connection, "id-forged"), BROWSER, anonymous()
        )
    # (c) a request started in another browser
    _, request_id = await sso.use_cases.saml.begin(connection.id, OTHER_BROWSER, "/")
    with pytest.raises(Unauthenticated) as caught:
        await sso.use_cases.saml.complete(
            connection.id, sso.response(idp, connection, request_id), BROWSER, anonymous()
        )
    assert caught.value.message == REFUSED  # one generic message; the reason is in the audit log
    assert await rejection_reasons(sso) == ["in_response_to"] * 4
    assert await sso.identity.events("identity.sso.sign_in") == []


async def test_an_unknown_person_of_an_unverified_domain_is_refused(sso: Sso) -> None:
    await ann_is_a_member(sso)
    connection, idp = await sso.connection_with_idp()
    _, request_id = await sso.use_cases.saml.begin(connection.id, BROWSER, "/")
    with pytest.raises(Unauthenticated):
        await sso.use_cases.saml.complete(
            connection.id, sso.response(idp, connection, request_id), BROWSER, anonymous()
        )
    assert await rejection_reasons(sso) == ["domain_not_verified"]


async def test_certificate_rollover_two_certificates_then_the_old_one_removed(sso: Sso) -> None:
    await ann_is_a_member(sso)
    await sso.verified_domain()
    connection, old_idp = await sso.connection_with_idp()
    new_keys = KeyPair.generate("idp-next")
    from tests.peers.saml_idp import SamlIdp

    new_idp = SamlIdp(
        old_idp.entity_id, old_idp.sso_url, new_keys, await sso.use_cases.connections.sp_metadata(connection.id)
    )
    connection = await sso.use_cases.connections.add_certificate(sso.owner, connection.id, new_keys.certificate_pem)
    assert len(connection.certificates) == 2
    for idp in (old_idp, new_idp):
        _, request_id = await sso.use_cases.saml.begin(connection.id, BROWSER, "/")
        await sso.use_cases.saml.complete(
            connection.id, sso.response(idp, connection, request_id), BROWSER, anonymous()
        )
    old_certificate = connection.certificates[0]
    await sso.use_cases.connections.remove_certificate(sso.owner, connection.id, old_certificate.id)
    _, request_id = await sso.use_cases.saml.begin(connection.id, BROWSER, "/")
    with pytest.raises(Unauthenticated):
        await sso.use_cases.saml.complete(
            connection.id, sso.response(old_idp, connection, request_id), BROWSER, anonymous()
        )
    assert await rejection_reasons(sso) == ["signature"]
    assert len(await sso.identity.events("identity.sso_certificate.removed")) == 1


async def test_enabling_a_connection_needs_the_sso_entitlement_a_configured_idp_and_a_recent_sign_in(sso: Sso) -> None:
    draft = SsoConnection(id="", organization_id="", name="Acme IdP", protocol=SAML)
    connection = await sso.use_cases.connections.create(sso.owner, draft)
    with pytest.raises(InvalidArgument):
        await sso.use_cases.connections.update(sso.owner, connection.id, {"enabled": True})  # no metadata yet
    await sso.on_plan(version=2, features=("audit_log",))
    with pytest.raises(FailedPrecondition) as caught:
        await sso.use_cases.connections.update(sso.owner, connection.id, {"enabled": True})
    assert "sso" in caught.value.message and "Enterprise" in caught.value.message
    stale = Principal(**{**sso.owner.__dict__, "authenticated_at": sso.identity.clock.now() - timedelta(hours=1)})
    with pytest.raises(PermissionDenied):
        await sso.use_cases.connections.update(stale, connection.id, {"name": "Renamed"})
    member = Principal(**{**sso.owner.__dict__, "permissions": frozenset({"members.read"})})
    with pytest.raises(PermissionDenied):
        await sso.use_cases.connections.create(member, draft)
    [created] = await sso.identity.events("identity.sso_connection.created")
    assert created.organization_id == ORG


async def test_a_domain_is_verified_by_its_txt_record_on_a_real_dns_server(sso: Sso) -> None:
    domain = await sso.use_cases.domains.add(sso.owner, "Acme.TEST")
    assert (domain.domain, domain.state) == ("acme.test", "pending")
    assert (await sso.use_cases.domains.verify(sso.owner, "acme.test")).state == "pending"  # no record yet
    sso.zone.records["_tenantry-challenge.acme.test"] = ["unrelated", f"tenantry-domain-verification={domain.token}"]
    assert (await sso.use_cases.domains.verify(sso.owner, "acme.test")).state == "verified"
    realm = await sso.use_cases.realm.discover("someone@ACME.test")
    assert realm.connection_id == ""  # verified, but no enabled connection yet: a password
    connection, _ = await sso.connection_with_idp()
    realm = await sso.use_cases.realm.discover("someone@acme.test")
    assert (realm.connection_id, realm.organization_id) == (connection.id, ORG)
    assert (await sso.use_cases.realm.discover("someone@other.test")).connection_id == ""


async def test_sso_required_refuses_passwords_except_break_glass_owners_and_ends_password_sessions(sso: Sso) -> None:
    ann = await ann_is_a_member(sso)
    ann_token, _ = await sso.identity.sign_in("ann@acme.test")
    owner_token, _ = await sso.identity.sign_in("owner@acme.test")
    with pytest.raises(FailedPrecondition):
        await sso.use_cases.policy.update(sso.owner, True, [], 0)  # at least one break-glass Owner
    with pytest.raises(FailedPrecondition):
        await sso.use_cases.policy.update(sso.owner, True, [ann], 0)  # ann is no Owner
    policy, ended = await sso.use_cases.policy.update(sso.owner, True, [sso.owner.account_id], 0)
    assert policy.sso_required and ended == 1
    with pytest.raises(Unauthenticated):
        await sso.identity.use_cases.authentication.authenticate_session(ann_token)
    await sso.identity.use_cases.authentication.authenticate_session(owner_token)
    with pytest.raises(Unauthenticated):
        await sso.identity.sign_in("ann@acme.test")
    await sso.identity.sign_in("owner@acme.test")
    assert [e.type for e in await sso.identity.events("identity.sso_policy.updated")] == ["identity.sso_policy.updated"]


async def test_metadata_urls_must_be_https_and_public(sso: Sso) -> None:
    from services.identity.adapters.metadata_fetcher import HttpsMetadataFetcher

    fetcher = HttpsMetadataFetcher(timeout_seconds=2)
    for url in ("http://idp.example/metadata", "https://127.0.0.1/metadata", "https://localhost/metadata"):
        with pytest.raises(InvalidArgument):
            await fetcher.fetch(url)
    connection = await sso.use_cases.connections.create(
        sso.owner, SsoConnection(id="", organization_id="", name="Acme IdP", protocol=SAML)
    )
    with pytest.raises(InvalidArgument):
        await sso.use_cases.connections.import_metadata(sso.owner, connection.id, metadata_url="http://127.0.0.1:9/m")


async def test_another_organizations_connection_is_not_found_before_its_metadata_url_is_fetched(sso: Sso) -> None:
    connection = await sso.use_cases.connections.create(
        sso.owner, SsoConnection(id="", organization_id="", name="Acme IdP", protocol=SAML)
    )
    stranger = Principal(**{**sso.owner.__dict__, "organization_id": "org-of-someone-else"})
    with pytest.raises(NotFound):
        await sso.use_cases.connections.import_metadata(
            stranger, connection.id, metadata_url="https://127.0.0.1/metadata"
        )
