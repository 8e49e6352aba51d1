"""Encrypted SAML sign-in and our SP keys' lifecycle through identity's use cases, on SQLite and PostgreSQL: an IdP
encrypting to the certificate our metadata publishes signs a person in; decryption failures are audited with one
reason; rotation publishes the new key next to the old, which keeps decrypting for the overlap and then leaves
metadata and decryption (retire call or the worker), every step audited with the SP certificates before/after."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest
from lxml import etree
from tenantry.events.v1 import identity_events_pb2

from services.common.errors import FailedPrecondition, NotFound, Unauthenticated
from services.identity.domain.sso import saml_rules
from services.identity.domain.sso.model import SsoConnection
from services.identity.tests.harness import anonymous
from services.identity.tests.sso_harness import SP_KEY_OVERLAP, Sso, owner_principal, sso_on
from services.identity.tests.test_saml_sign_in import BROWSER, ann_is_a_member, rejection_reasons
from tests.peers.saml_idp import KeyPair, SamlIdp


@pytest.fixture
async def sso(database_url: str, principal_keys: tuple[str, str]) -> AsyncIterator[Sso]:
    async with sso_on(database_url, principal_keys) as harness:
        yield harness


def published_certificates(metadata_xml: str, use: str) -> list[str]:
    root = saml_rules.parse(metadata_xml.encode())
    found = []
    for descriptor in root.iter("{urn:oasis:names:tc:SAML:2.0:metadata}KeyDescriptor"):
        if descriptor.get("use") == use:
            found += [saml_rules.full_text(c) for c in descriptor.iter(f"{{{saml_rules.DS}}}X509Certificate")]
    return found


def body(pem: str) -> str:
    return "".join(line for line in pem.strip().splitlines() if not line.startswith("-----"))


async def encrypted_connection(sso: Sso) -> tuple[SsoConnection, SamlIdp]:
    await ann_is_a_member(sso)
    await sso.verified_domain()
    connection, idp = await sso.connection_with_idp()
    connection = await sso.use_cases.connections.update(
        sso.owner, connection.id, {"require_encrypted_assertions": True}
    )
    return connection, idp


async def sign_in(sso: Sso, connection: SsoConnection, idp: SamlIdp, encrypt_to: str) -> str:
    _, request_id = await sso.use_cases.saml.begin(connection.id, BROWSER, "/")
    response = sso.response(idp, connection, request_id, encrypt_to=encrypt_to)
    signed_in = await sso.use_cases.saml.complete(connection.id, response, BROWSER, anonymous())
    return signed_in.result.session.account_id


async def refused(sso: Sso, connection: SsoConnection, idp: SamlIdp, encrypt_to: str) -> None:
    _, request_id = await sso.use_cases.saml.begin(connection.id, BROWSER, "/")
    response = sso.response(idp, connection, request_id, encrypt_to=encrypt_to)
    with pytest.raises(Unauthenticated):
        await sso.use_cases.saml.complete(connection.id, response, BROWSER, anonymous())


async def connection_events(sso: Sso, event_type: str) -> list[identity_events_pb2.SsoConnectionChanged]:
    changes = []
    for envelope in await sso.identity.events(event_type):
        payload = identity_events_pb2.SsoConnectionChanged()
        envelope.payload.Unpack(payload)
        changes.append(payload)
    return changes


async def test_our_metadata_publishes_an_encryption_certificate_and_an_idp_encrypting_to_it_signs_a_person_in(
    sso: Sso,
) -> None:
    connection, idp = await encrypted_connection(sso)
    [certificate] = connection.sp_certificates
    metadata = await sso.use_cases.connections.sp_metadata(connection.id)
    assert published_certificates(metadata, "encryption") == [body(certificate.certificate_pem)]
    assert published_certificates(metadata, "signing") == [body(certificate.certificate_pem)]
    assert await sign_in(sso, connection, idp, certificate.certificate_pem)


async def test_a_plain_assertion_is_refused_when_the_connection_requires_encryption(sso: Sso) -> None:
    connection, idp = await encrypted_connection(sso)
    await refused(sso, connection, idp, encrypt_to="")
    assert await rejection_reasons(sso) == ["encryption_required"]


async def test_decryption_failures_are_audited_with_one_reason(sso: Sso) -> None:
    connection, idp = await encrypted_connection(sso)
    await refused(sso, connection, idp, encrypt_to=KeyPair.generate("stranger").certificate_pem)
    _, request_id = await sso.use_cases.saml.begin(connection.id, BROWSER, "/")
    response = etree.fromstring(
        idp.response(
            acs_url=f"{sso.use_cases.public_url}/sso/saml/{connection.id}/acs",
            sp_entity_id=f"{sso.use_cases.public_url}/sso/saml/{connection.id}/metadata",
            name_id="ann@acme.test",
            in_response_to=request_id,
            encrypt_to=connection.sp_certificates[0].certificate_pem,
        ).encode()
    )
    value = next(response.iter(f"{{{saml_rules.XENC}}}CipherValue"))
    wrapped = value.text or ""
    # The wrapped session key, corrupted: its first character always changes (it may already have been an "A").
    value.text = ("B" if wrapped.startswith("A") else "A") + wrapped[1:]
    from tests.peers.saml_idp import encoded

    with pytest.raises(Unauthenticated):
        await sso.use_cases.saml.complete(
            connection.id, encoded(etree.tostring(response, encoding="unicode")), BROWSER, anonymous()
        )
    assert await rejection_reasons(sso) == ["decryption", "decryption"]


async def test_a_rotated_key_is_published_next_to_the_old_and_both_decrypt_during_the_overlap(sso: Sso) -> None:
    connection, idp = await encrypted_connection(sso)
    [old] = connection.sp_certificates
    owner = owner_principal(sso.owner.account_id, sso.identity.clock.now())
    new_key = await sso.use_cases.sp_keys.rotate(owner, connection.id)
    connection = await sso.use_cases.connections.get(owner, connection.id)
    assert [c.id for c in connection.sp_certificates] == [new_key.id, old.id]
    assert connection.sp_certificates[1].retires_at == sso.identity.clock.now() + SP_KEY_OVERLAP
    metadata = await sso.use_cases.connections.sp_metadata(connection.id)
    assert published_certificates(metadata, "encryption") == [body(new_key.certificate_pem), body(old.certificate_pem)]
    # The newest signs our AuthnRequests.
    redirect, _ = await sso.use_cases.saml.begin(connection.id, BROWSER, "/")
    assert "Signature=" in redirect
    assert await sign_in(sso, connection, idp, old.certificate_pem)
    assert await sign_in(sso, connection, idp, new_key.certificate_pem)
    [rotated] = await connection_events(sso, "identity.sso_connection.sp_key_rotated")
    assert [c.fingerprint_sha256 for c in rotated.before.saml.sp_certificates] == [old.fingerprint_sha256]
    assert [c.fingerprint_sha256 for c in rotated.after.saml.sp_certificates] == [
        connection.sp_certificates[0].fingerprint_sha256,
        old.fingerprint_sha256,
    ]


async def test_retiring_the_old_key_removes_it_from_metadata_and_decryption_and_is_audited(sso: Sso) -> None:
    connection, idp = await encrypted_connection(sso)
    [old] = connection.sp_certificates
    owner = owner_principal(sso.owner.account_id, sso.identity.clock.now())
    new_key = await sso.use_cases.sp_keys.rotate(owner, connection.id)
    with pytest.raises(FailedPrecondition):
        await sso.use_cases.sp_keys.retire(owner, connection.id, new_key.id)  # the newest signs
    with pytest.raises(NotFound):
        await sso.use_cases.sp_keys.retire(replace(owner, organization_id="org-2"), connection.id, old.id)
    after = await sso.use_cases.sp_keys.retire(owner, connection.id, old.id)
    assert [c.id for c in after.sp_certificates] == [new_key.id]
    metadata = await sso.use_cases.connections.sp_metadata(connection.id)
    assert published_certificates(metadata, "encryption") == [body(new_key.certificate_pem)]
    await refused(sso, connection, idp, old.certificate_pem)
    assert await rejection_reasons(sso) == ["decryption"]
    assert await sign_in(sso, connection, idp, new_key.certificate_pem)
    with pytest.raises(NotFound):
        await sso.use_cases.sp_keys.retire(owner, connection.id, old.id)  # retired once
    [retired] = await connection_events(sso, "identity.sso_connection.sp_key_retired")
    assert len(retired.before.saml.sp_certificates) == 2
    assert [c.id for c in retired.after.saml.sp_certificates] == [new_key.id]


async def test_after_the_overlap_the_old_key_leaves_metadata_and_the_worker_retires_it_once(sso: Sso) -> None:
    connection, idp = await encrypted_connection(sso)
    [old] = connection.sp_certificates
    owner = owner_principal(sso.owner.account_id, sso.identity.clock.now())
    new_key = await sso.use_cases.sp_keys.rotate(owner, connection.id)
    assert await sso.use_cases.sp_keys.retire_past_overlap() == 0
    past_overlap = SP_KEY_OVERLAP + timedelta(seconds=1)
    sso.identity.clock.advance(past_overlap)
    # Out of use as soon as the overlap ends, before the worker's pass.
    metadata = await sso.use_cases.connections.sp_metadata(connection.id)
    assert published_certificates(metadata, "signing") == [body(new_key.certificate_pem)]
    assert sso.replica is not None
    assert await sso.use_cases.sp_keys.retire_past_overlap() == 1
    assert await sso.replica.sp_keys.retire_past_overlap() == 0
    # Back to the IdP's (real) time: the retired key no longer decrypts, whatever the clock says.
    sso.identity.clock.advance(-past_overlap)
    await refused(sso, connection, idp, old.certificate_pem)
    assert await rejection_reasons(sso) == ["decryption"]
    [retired] = await connection_events(sso, "identity.sso_connection.sp_key_retired")
    assert [c.id for c in retired.after.saml.sp_certificates] == [new_key.id]
    assert retired.before.saml.sp_certificates[1].id == old.id
    assert await sign_in(sso, connection, idp, new_key.certificate_pem)


async def test_rotating_again_never_extends_an_overlap_already_running(sso: Sso) -> None:
    connection, _ = await encrypted_connection(sso)
    [first] = connection.sp_certificates
    sso.identity.clock.advance(SP_KEY_OVERLAP / 100)
    owner = owner_principal(sso.owner.account_id, sso.identity.clock.now())
    await sso.use_cases.sp_keys.rotate(owner, connection.id)
    first_end = sso.identity.clock.now() + SP_KEY_OVERLAP
    sso.identity.clock.advance(SP_KEY_OVERLAP / 2)
    owner = owner_principal(sso.owner.account_id, sso.identity.clock.now())
    await sso.use_cases.sp_keys.rotate(owner, connection.id)
    connection = await sso.use_cases.connections.get(owner, connection.id)
    ends = {c.id: c.retires_at for c in connection.sp_certificates}
    assert ends[first.id] == first_end
    assert len(ends) == 3
