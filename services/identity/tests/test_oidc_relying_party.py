"""The OIDC relying party against real provider processes, on SQLite and PostgreSQL: every case O1-O6 of
RELIABILITY.md, key rotation end to end, and the mapping of claims to the person (keyed by issuer and subject)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from services.common.errors import InvalidArgument
from services.identity.adapters.oidc import UNKNOWN_KID_REFRESH_INTERVAL
from services.identity.domain.oidc import MAPPING_PRESETS, OidcSignInRefused, digest
from services.identity.domain.oidc_sign_in import forget_expired_oidc_logins
from services.identity.store.tables import oidc_logins
from services.identity.tests.oidc_harness import (
    PERSON,
    RelyingParty,
    connection_to,
    new_binding,
    oidc_peers,
    relying_party_on,
)
from tests.peers.oidc_provider import OidcPeer

__all__ = ["oidc_peers"]  # the module-scoped fixture, imported so pytest finds it


@pytest.fixture
async def rp(database_url: str) -> AsyncIterator[RelyingParty]:
    async with relying_party_on(database_url) as relying_party:
        yield relying_party


@pytest.fixture
def idp(oidc_peers: tuple[OidcPeer, OidcPeer]) -> OidcPeer:
    return oidc_peers[0]


async def test_a_person_signs_in_and_is_keyed_by_issuer_and_subject(rp: RelyingParty, idp: OidcPeer) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)

    completion = await rp.sign_in_through(connection, return_to="/portal/members")

    person = completion.identity
    assert (person.issuer, person.subject) == (idp.issuer, PERSON["sub"])
    assert (person.email, person.email_verified, person.display_name) == ("jane@acme.test", True, "Jane Doe")
    assert completion.organization_id == "org-1"
    assert completion.return_to == "/portal/members"


# --- O1: state, nonce and PKCE, single use and bound to the browser ------------------------------------------------


async def test_state_nonce_and_verifier_are_long_random_single_use_and_pkce_is_s256(
    rp: RelyingParty, idp: OidcPeer
) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)
    binding = new_binding()

    first = parse_qs(urlsplit(await rp.sign_in.begin(connection, binding)).query)
    second = parse_qs(urlsplit(await rp.sign_in.begin(connection, binding)).query)

    assert first["code_challenge_method"] == ["S256"]
    for name in ("state", "nonce", "code_challenge"):
        assert len(first[name][0]) >= 43  # 256 bits in base64url; at least 128 are required
        assert first[name] != second[name]
    async with rp.db.read() as connection_:
        rows = (await connection_.execute(select(oidc_logins))).all()
    assert {row.state_hash for row in rows} == {digest(first["state"][0]), digest(second["state"][0])}
    assert all(row.binding_hash == digest(binding) for row in rows)  # the binding itself is never stored


async def test_a_callback_without_state_or_with_an_unknown_state_is_refused(rp: RelyingParty, idp: OidcPeer) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)
    binding = new_binding()
    params = await rp.authorize(connection, binding)

    with pytest.raises(OidcSignInRefused):
        await rp.sign_in.complete({k: v for k, v in params.items() if k != "state"}, binding)
    with pytest.raises(OidcSignInRefused):
        await rp.sign_in.complete(params | {"state": new_binding()}, binding)
    # Neither attempt used up the real sign-in.
    assert (await rp.sign_in.complete(params, binding)).identity.subject == PERSON["sub"]


async def test_a_callback_in_another_browser_is_refused_and_leaves_the_sign_in_to_its_own(
    rp: RelyingParty, idp: OidcPeer
) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)
    binding = new_binding()
    params = await rp.authorize(connection, binding)

    with pytest.raises(OidcSignInRefused):
        await rp.sign_in.complete(params, new_binding())
    with pytest.raises(OidcSignInRefused):
        await rp.sign_in.complete(params, "")

    assert (await rp.sign_in.complete(params, binding)).identity.subject == PERSON["sub"]


async def test_a_replayed_callback_is_refused(rp: RelyingParty, idp: OidcPeer) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)
    binding = new_binding()
    params = await rp.authorize(connection, binding)
    await rp.sign_in.complete(params, binding)

    with pytest.raises(OidcSignInRefused, match="No pending sign-in"):
        await rp.sign_in.complete(params, binding)


async def test_two_replicas_completing_the_same_callback_at_once_succeed_once(rp: RelyingParty, idp: OidcPeer) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)
    binding = new_binding()
    params = await rp.authorize(connection, binding)

    results = await asyncio.gather(
        rp.sign_in.complete(params, binding), rp.sign_in.complete(params, binding), return_exceptions=True
    )

    assert sorted(type(r).__name__ for r in results) == ["OidcCompletion", "OidcSignInRefused"]


async def test_a_sign_in_completed_after_its_lifetime_is_refused(rp: RelyingParty, idp: OidcPeer) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)
    binding = new_binding()
    params = await rp.authorize(connection, binding)
    rp.clock.advance(timedelta(minutes=10, seconds=1))

    with pytest.raises(OidcSignInRefused):
        await rp.sign_in.complete(params, binding)


@pytest.mark.parametrize("mode", ["wrong_nonce", "missing_nonce"])
async def test_an_id_token_with_a_wrong_or_missing_nonce_is_refused(rp: RelyingParty, idp: OidcPeer, mode: str) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)
    idp.misbehave(mode)

    with pytest.raises(OidcSignInRefused, match="nonce"):
        await rp.sign_in_through(connection)


async def test_a_code_issued_to_another_session_fails_its_pkce_check(rp: RelyingParty, idp: OidcPeer) -> None:
    """An attacker injects the code of their own sign-in into the victim's callback (with the victim's state):
    the victim's verifier does not match the challenge the code was issued for, so the IdP refuses it."""
    connection = connection_to(idp)
    rp.add(idp, connection)
    attacker, victim = new_binding(), new_binding()
    attacker_params = await rp.authorize(connection, attacker)
    victim_params = await rp.authorize(connection, victim)

    with pytest.raises(OidcSignInRefused, match="400"):
        await rp.sign_in.complete(victim_params | {"code": attacker_params["code"]}, victim)
    assert idp.stats()["token_requests"] == 1


# --- O2: signature algorithm attacks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mode", ["alg_none", "hs256_with_public_key", "alg_outside_allow_list", "header_jwk", "header_jku"]
)
async def test_an_id_token_choosing_its_own_algorithm_or_key_is_refused(
    rp: RelyingParty, idp: OidcPeer, mode: str
) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)
    idp.misbehave(mode)

    with pytest.raises(OidcSignInRefused):
        await rp.sign_in_through(connection)


@pytest.mark.parametrize("algorithms", [["none"], ["HS256"], ["RS256", "HS512"], []])
def test_an_allow_list_with_none_or_a_symmetric_algorithm_cannot_be_configured(algorithms: list[str]) -> None:
    from services.identity.domain.oidc import check_algorithm_allow_list

    with pytest.raises(InvalidArgument):
        check_algorithm_allow_list(algorithms)


async def test_an_es256_provider_is_accepted_when_its_connection_allows_es256(rp: RelyingParty, idp: OidcPeer) -> None:
    connection = connection_to(idp, allowed_algorithms=("ES256",))
    rp.add(idp, connection, signing_alg="ES256")

    assert (await rp.sign_in_through(connection)).identity.subject == PERSON["sub"]


# --- O3: claim validation -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mode",
    [
        "wrong_iss",
        "missing_iss",
        "wrong_aud",
        "missing_aud",
        "multiple_audiences_without_azp",
        "missing_sub",
        "missing_iat",
        "missing_exp",
        "expired",
    ],
)
async def test_an_id_token_with_a_wrong_or_missing_claim_is_refused(rp: RelyingParty, idp: OidcPeer, mode: str) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)
    idp.misbehave(mode)

    with pytest.raises(OidcSignInRefused):
        await rp.sign_in_through(connection)


@pytest.mark.parametrize("signing_alg", ["RS256", "ES256"])
async def test_an_id_token_with_a_bad_signature_is_refused(rp: RelyingParty, idp: OidcPeer, signing_alg: str) -> None:
    connection = connection_to(idp, allowed_algorithms=(signing_alg,))
    rp.add(idp, connection, signing_alg=signing_alg)
    idp.misbehave("bad_signature")

    with pytest.raises(OidcSignInRefused, match="signature"):
        await rp.sign_in_through(connection)


async def test_several_audiences_with_our_azp_are_accepted(rp: RelyingParty, idp: OidcPeer) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)
    idp.misbehave("multiple_audiences_with_azp")

    assert (await rp.sign_in_through(connection)).identity.subject == PERSON["sub"]


async def test_the_same_email_and_subject_from_two_issuers_are_two_people_and_unverified_email_stays_unverified(
    rp: RelyingParty, oidc_peers: tuple[OidcPeer, OidcPeer]
) -> None:
    first, second = oidc_peers
    a, b = connection_to(first, "conn-a"), connection_to(second, "conn-b")
    rp.add(first, a)
    rp.add(second, b, person=PERSON | {"email_verified": False})

    one, other = (await rp.sign_in_through(a)).identity, (await rp.sign_in_through(b)).identity

    assert one.email == other.email and one.subject == other.subject
    assert (one.issuer, one.subject) != (other.issuer, other.subject)
    assert (one.email_verified, other.email_verified) == (True, False)


async def test_the_entra_preset_maps_groups_and_trusts_the_tenant_email(rp: RelyingParty, idp: OidcPeer) -> None:
    connection = connection_to(idp, mapping=MAPPING_PRESETS["entra_id"])
    person = {"sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", "email": "jane@acme.test", "name": "Jane"}
    rp.add(idp, connection, person=person | {"groups": ["g-admins", "g-staff"]})

    identity = (await rp.sign_in_through(connection)).identity

    assert identity.groups == ("g-admins", "g-staff") and identity.email_verified


# --- O4: mix-up and metadata impersonation ------------------------------------------------------------------------


async def test_an_authorization_response_naming_the_other_idp_is_refused(
    rp: RelyingParty, oidc_peers: tuple[OidcPeer, OidcPeer]
) -> None:
    honest, mixed_up = oidc_peers
    rp.add(honest, connection_to(honest, "conn-a"))
    victim_connection = connection_to(mixed_up, "conn-b")
    rp.add(mixed_up, victim_connection)
    mixed_up.misbehave("response_iss", honest.issuer)

    with pytest.raises(OidcSignInRefused, match="RFC 9207"):
        await rp.sign_in_through(victim_connection)
    assert mixed_up.stats()["token_requests"] == 0  # refused before the code went anywhere


async def test_an_authorization_response_without_iss_from_an_idp_that_sends_it_is_refused(
    rp: RelyingParty, idp: OidcPeer
) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)
    idp.misbehave("response_iss", "")

    with pytest.raises(OidcSignInRefused, match="RFC 9207"):
        await rp.sign_in_through(connection)


async def test_a_discovery_document_naming_another_issuer_is_refused(
    rp: RelyingParty, oidc_peers: tuple[OidcPeer, OidcPeer]
) -> None:
    honest, impostor = oidc_peers
    connection = connection_to(impostor)
    rp.add(impostor, connection)
    impostor.misbehave("discovery_issuer", honest.issuer)

    with pytest.raises(OidcSignInRefused, match="discovery"):
        await rp.sign_in.begin(connection, new_binding())


# --- O5: key rotation ---------------------------------------------------------------------------------------------


async def test_a_key_rotated_just_before_signing_is_fetched_once_and_verifies(rp: RelyingParty, idp: OidcPeer) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)
    await rp.sign_in_through(connection)
    assert idp.stats()["jwks_fetches"] == 1

    idp.misbehave("rotate_before_signing")
    assert (await rp.sign_in_through(connection)).identity.subject == PERSON["sub"]
    assert (await rp.sign_in_through(connection)).identity.subject == PERSON["sub"]

    assert idp.stats()["jwks_fetches"] == 2


async def test_a_flood_of_unknown_kids_fetches_the_jwks_at_most_once_per_interval(
    rp: RelyingParty, idp: OidcPeer
) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)
    await rp.sign_in_through(connection)
    idp.misbehave("random_kid")

    for _ in range(15):
        with pytest.raises(OidcSignInRefused, match="kid"):
            await rp.sign_in_through(connection)
    assert idp.stats()["jwks_fetches"] == 2

    rp.clock.advance(UNKNOWN_KID_REFRESH_INTERVAL)
    with pytest.raises(OidcSignInRefused, match="kid"):
        await rp.sign_in_through(connection)
    assert idp.stats()["jwks_fetches"] == 3


async def test_a_token_without_kid_verifies_with_a_single_key_and_is_refused_among_several(
    rp: RelyingParty, idp: OidcPeer
) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)
    idp.rotate(keep_old=False)
    idp.misbehave("no_kid")
    assert (await rp.sign_in_through(connection)).identity.subject == PERSON["sub"]

    idp.rotate(keep_old=True)
    rp.clock.advance(timedelta(hours=1))  # the cached JWKS is stale: the next sign-in reloads it
    idp.misbehave("no_kid")
    with pytest.raises(OidcSignInRefused, match="ambiguous"):
        await rp.sign_in_through(connection)


# --- O6: UserInfo subject and open redirects ----------------------------------------------------------------------


async def test_userinfo_about_another_subject_is_refused(rp: RelyingParty, idp: OidcPeer) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)
    idp.misbehave("userinfo_other_subject")

    with pytest.raises(OidcSignInRefused, match="UserInfo"):
        await rp.sign_in_through(connection)


@pytest.mark.parametrize(
    "return_to",
    [
        "https://evil.example/portal",
        "//evil.example/portal",
        "/\\evil.example",
        "javascript:alert(1)",
        "http://app.acme.test/",
    ],
)
async def test_a_return_address_off_the_allow_list_is_refused(rp: RelyingParty, idp: OidcPeer, return_to: str) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)

    with pytest.raises(InvalidArgument):
        await rp.sign_in.begin(connection, new_binding(), return_to)


async def test_a_return_address_on_the_allow_list_is_kept(rp: RelyingParty, idp: OidcPeer) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)

    completion = await rp.sign_in_through(connection, return_to="https://app.acme.test/settings?tab=sso")

    assert completion.return_to == "https://app.acme.test/settings?tab=sso"


async def test_sign_ins_never_completed_are_forgotten_once_expired(rp: RelyingParty, idp: OidcPeer) -> None:
    connection = connection_to(idp)
    rp.add(idp, connection)
    await rp.sign_in.begin(connection, new_binding())
    rp.clock.advance(timedelta(minutes=5))
    await rp.sign_in.begin(connection, new_binding())

    assert await forget_expired_oidc_logins(rp.store, rp.clock) == 0
    rp.clock.advance(timedelta(minutes=6))
    assert await forget_expired_oidc_logins(rp.store, rp.clock) == 1
    async with rp.db.read() as connection_:
        assert len((await connection_.execute(select(oidc_logins))).all()) == 1
