"""RELIABILITY S1-S6, S9-S11: what the strict SAML layer refuses, with a real pysaml2 IdP signing through xmlsec1.
(S7 replay and S8 InResponseTo binding go through the sign-in use case on both databases: test_saml_sign_in.py.)"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from lxml import etree

from services.identity.domain.sso import saml_rules
from services.identity.domain.sso.saml_rules import SamlRejected
from services.identity.tests.saml_fixtures import (
    ASSERTION,
    NS,
    RESPONSE,
    Sp,
    assertion_of,
    evil_copy,
    issue,
    make_idp,
    make_sp,
    text,
    tree,
    validate,
)
from tests.peers.saml_idp import SHA1_DIGEST, SHA1_SIGNATURE, KeyPair, SamlIdp


@pytest.fixture(scope="module")
def sp() -> Sp:
    return make_sp()


@pytest.fixture(scope="module")
def idp(sp: Sp) -> SamlIdp:
    return make_idp(sp)


def rejected(xml: str, sp: Sp, idp: SamlIdp, **overrides: Any) -> str:
    with pytest.raises(SamlRejected) as caught:
        validate(xml, sp, [idp.keys.certificate_pem], **overrides)
    return caught.value.reason


def resigned_assertion(idp: SamlIdp, root: etree._Element) -> str:
    assertion = assertion_of(root)
    return idp.sign(text(root), ASSERTION, assertion.get("ID"))


def test_a_genuine_response_is_accepted_and_read_from_the_signed_assertion(sp: Sp, idp: SamlIdp) -> None:
    assertion = validate(issue(idp, sp), sp, [idp.keys.certificate_pem])
    assert assertion.name_id == "ann@acme.test"
    assert assertion.issuer == "https://idp.acme.test/metadata"
    assert assertion.in_response_to == "id-req-1"


# S1 - XSW1/XSW2: the signed Response wrapped by an evil one.
@pytest.mark.parametrize("placement", ["inside_signature", "before_signature"])
def test_S1_response_wrapping_is_rejected(sp: Sp, idp: SamlIdp, placement: str) -> None:
    original = tree(issue(idp, sp, sign_response=True, sign_assertion=False))
    evil = evil_copy(original, "id-evil-response")
    signature = evil.find("ds:Signature", NS)
    if placement == "inside_signature":
        signature.append(copy.deepcopy(original))
    else:
        signature.addprevious(copy.deepcopy(original))
    assert rejected(text(evil), sp, idp) in {"signature", "assertion_count"}


# S2 - XSW3..XSW8, XSW10: evil assertions around the signed one.
@pytest.mark.parametrize(
    "variant",
    ["before", "after", "wraps_signed", "in_extensions", "in_signature_object", "signed_inside_evil_signature"],
)
def test_S2_assertion_wrapping_is_rejected(sp: Sp, idp: SamlIdp, variant: str) -> None:
    root = tree(issue(idp, sp))
    signed = assertion_of(root)
    evil = evil_copy(signed, "id-evil-assertion")
    evil_signature = evil.find("ds:Signature", NS)
    if variant == "before":
        signed.addprevious(evil)
    elif variant == "after":
        signed.addnext(evil)
    elif variant == "wraps_signed":
        evil.remove(evil_signature)
        root.replace(signed, evil)
        evil.append(signed)
    elif variant == "in_extensions":
        extensions = etree.SubElement(root, f"{{{saml_rules.SAMLP}}}Extensions")
        root.remove(extensions)
        root.insert(1, extensions)
        extensions.append(evil)
    elif variant == "in_signature_object":
        root.replace(signed, evil)
        obj = etree.SubElement(evil_signature, f"{{{saml_rules.DS}}}Object")
        obj.append(signed)
    else:
        root.replace(signed, evil)
        evil_signature.append(signed)
    assert rejected(text(root), sp, idp) in {"signature", "assertion_count"}


def test_S2_identity_is_read_only_from_the_element_the_signature_references(sp: Sp, idp: SamlIdp) -> None:
    root = tree(issue(idp, sp))
    assertion = assertion_of(root)
    assertion.set("ID", "id-renamed")  # the reference now points nowhere in this document
    assert rejected(text(root), sp, idp) == "signature"


# S3 - one signed and one unsigned assertion, in either order.
@pytest.mark.parametrize("unsigned_first", [True, False])
def test_S3_multiple_assertions_are_rejected(sp: Sp, idp: SamlIdp, unsigned_first: bool) -> None:
    root = tree(issue(idp, sp))
    signed = assertion_of(root)
    unsigned = evil_copy(signed, "id-unsigned")
    unsigned.remove(unsigned.find("ds:Signature", NS))
    (signed.addprevious if unsigned_first else signed.addnext)(unsigned)
    assert rejected(text(root), sp, idp) == "assertion_count"


# S4 - signature stripping and key substitution.
def test_S4a_a_response_without_signatures_is_rejected(sp: Sp, idp: SamlIdp) -> None:
    root = tree(issue(idp, sp))
    for signature in list(root.iter(f"{{{saml_rules.DS}}}Signature")):
        signature.getparent().remove(signature)
    assert rejected(text(root), sp, idp) == "signature"


def test_S4b_an_empty_signature_value_is_rejected(sp: Sp, idp: SamlIdp) -> None:
    root = tree(issue(idp, sp))
    root.find(".//ds:SignatureValue", NS).text = ""
    assert rejected(text(root), sp, idp) == "signature"


def test_S4c_a_response_re_signed_with_an_attackers_key_and_certificate_is_rejected(sp: Sp, idp: SamlIdp) -> None:
    attacker = KeyPair.generate("attacker")
    root = tree(issue(idp, sp, name_id="victim@acme.test"))
    certificate = "".join(line for line in attacker.certificate_pem.splitlines() if not line.startswith("-----"))
    root.find(".//ds:X509Certificate", NS).text = certificate
    forged = idp.sign(text(root), ASSERTION, assertion_of(root).get("ID"), keys=attacker)
    assert rejected(forged, sp, idp) == "signature"


def test_S4d_only_pinned_certificates_verify_never_a_certificate_the_message_carries(sp: Sp, idp: SamlIdp) -> None:
    """No fingerprint mode exists: the trusted certificate itself is given to xmlsec1; the KeyInfo is ignored."""
    attacker = KeyPair.generate("attacker")
    root = tree(issue(idp, sp))
    forged = idp.sign(text(root), ASSERTION, assertion_of(root).get("ID"), keys=attacker)
    assert rejected(forged, sp, idp) == "signature"
    assert validate(forged, sp, [attacker.certificate_pem]).name_id == "ann@acme.test"  # it does verify with its own


# S5 - a comment inside the NameID never truncates it.
def test_S5_comment_injection_in_name_id_reads_the_full_text(sp: Sp, idp: SamlIdp) -> None:
    original = issue(idp, sp, name_id="user@evil.com.victim.com")
    injected = original.replace(">user@evil.com.victim.com<", ">user@evil.com<!---->.victim.com<")
    assert injected != original
    root = tree(injected)
    signed = resigned_assertion(idp, root)
    assertion = validate(signed, sp, [idp.keys.certificate_pem])
    assert assertion.name_id == "user@evil.com.victim.com"


def test_S5_an_attribute_value_with_a_comment_reads_the_full_text(sp: Sp, idp: SamlIdp) -> None:
    original = issue(idp, sp, attributes={"groups": ["admins-of-victim"]})
    injected = original.replace(">admins-of-victim<", ">admins<!---->-of-victim<")
    signed = resigned_assertion(idp, tree(injected))
    assert validate(signed, sp, [idp.keys.certificate_pem]).attributes["groups"] == ("admins-of-victim",)


# S6 - hostile XML is refused before any signature processing.
HOSTILE = {
    "xxe_file": '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
    "xxe_url": '<!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]><r>&x;</r>',
    "billion_laughs": '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><r>&b;</r>',
    "external_dtd": '<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd"><r/>',
    "xinclude": '<r xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd"/></r>',
    "lowercase_doctype": "<!doctype r><r/>",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_S6_hostile_xml_is_refused(sp: Sp, idp: SamlIdp, name: str) -> None:
    assert rejected(HOSTILE[name], sp, idp) == "xml"


def test_S6_doctype_parser_differential_in_a_signed_response_is_refused(sp: Sp, idp: SamlIdp) -> None:
    """CVE-2025-25291/25292 shape: a DOCTYPE with a comment/CDATA trick in front of a genuine signed response."""
    genuine = issue(idp, sp).split("?>", 1)[1]
    payload = '<?xml version="1.0"?><!DOCTYPE x [<!--><x>]]>-->]>' + genuine
    assert rejected(payload, sp, idp) == "xml"


def test_S6_a_document_in_another_encoding_is_refused(sp: Sp, idp: SamlIdp) -> None:
    from tests.peers.saml_idp import encoded  # noqa: F401 - the same encoding the form uses

    utf16 = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r><r/>'.encode("utf-16")
    with pytest.raises(SamlRejected) as caught:
        saml_rules.parse(utf16)
    assert caught.value.reason == "xml"


# S9 - conditions, audience, issuer, time.
def test_S9_time_window_and_skew(sp: Sp, idp: SamlIdp) -> None:
    xml = issue(idp, sp)
    now = datetime.now(UTC)
    assert rejected(xml, sp, idp, now=now + timedelta(hours=1)) == "time"  # NotOnOrAfter in the past
    assert rejected(xml, sp, idp, now=now - timedelta(minutes=10)) == "time"  # NotBefore in the future
    assert validate(xml, sp, [idp.keys.certificate_pem], now=now + timedelta(seconds=30)).name_id


def test_S9_expired_subject_confirmation_is_rejected(sp: Sp, idp: SamlIdp) -> None:
    root = tree(issue(idp, sp))
    data = root.find(".//saml:SubjectConfirmationData", NS)
    data.set("NotOnOrAfter", (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert rejected(resigned_assertion(idp, root), sp, idp) == "time"


def test_S9_missing_audience_restriction_is_rejected(sp: Sp, idp: SamlIdp) -> None:
    root = tree(issue(idp, sp))
    for restriction in list(root.iter(f"{{{saml_rules.SAML}}}AudienceRestriction")):
        restriction.getparent().remove(restriction)
    assert rejected(resigned_assertion(idp, root), sp, idp) == "audience"


def test_S9_wrong_audience_is_rejected(sp: Sp, idp: SamlIdp) -> None:
    root = tree(issue(idp, sp))
    root.find(".//saml:Audience", NS).text = "https://other-sp.test/metadata"
    assert rejected(resigned_assertion(idp, root), sp, idp) == "audience"


@pytest.mark.parametrize("where", ["response", "assertion"])
def test_S9_wrong_issuer_is_rejected(sp: Sp, idp: SamlIdp, where: str) -> None:
    root = tree(issue(idp, sp, sign_response=where == "response", sign_assertion=where == "assertion"))
    holder = root if where == "response" else assertion_of(root)
    holder.find("saml:Issuer", NS).text = "https://evil-idp.test/metadata"
    signed = idp.sign(text(root), RESPONSE, root.get("ID")) if where == "response" else resigned_assertion(idp, root)
    assert rejected(signed, sp, idp) == "issuer"


def test_S9_an_assertion_for_tenant_a_posted_to_tenant_b_is_rejected(sp: Sp, idp: SamlIdp) -> None:
    other = make_sp("conn-b")
    assert rejected(issue(idp, sp), other, idp) in {"destination", "audience"}


# S10 - Destination and Recipient match the configured ACS URL exactly.
def _acs_variants(sp: Sp) -> list[str]:
    base = sp.acs_url
    return [base.replace("/acs", "/acs-evil"), base + "/x", base.replace("/sso/", "/SSO/"), ""]


@pytest.mark.parametrize("index", range(4))
def test_S10_destination_must_equal_the_acs_url(sp: Sp, idp: SamlIdp, index: int) -> None:
    root = tree(issue(idp, sp, sign_response=True))
    root.set("Destination", _acs_variants(sp)[index])
    assert rejected(idp.sign(text(root), RESPONSE, root.get("ID")), sp, idp) == "destination"


@pytest.mark.parametrize("index", range(4))
def test_S10_recipient_must_equal_the_acs_url(sp: Sp, idp: SamlIdp, index: int) -> None:
    root = tree(issue(idp, sp))
    root.find(".//saml:SubjectConfirmationData", NS).set("Recipient", _acs_variants(sp)[index])
    assert rejected(resigned_assertion(idp, root), sp, idp) == "destination"


def test_S10_a_missing_destination_is_rejected(sp: Sp, idp: SamlIdp) -> None:
    root = tree(issue(idp, sp, sign_response=True))
    del root.attrib["Destination"]
    assert rejected(idp.sign(text(root), RESPONSE, root.get("ID")), sp, idp) == "destination"


# S11 - algorithms, certificates, encryption.
def test_S11_sha1_signatures_are_rejected(sp: Sp, idp: SamlIdp) -> None:
    xml = issue(idp, sp, sign_alg=SHA1_SIGNATURE, digest_alg=SHA1_DIGEST)
    assert rejected(xml, sp, idp) == "algorithm"


def test_S11_a_signing_certificate_not_in_the_metadata_is_rejected(sp: Sp, idp: SamlIdp) -> None:
    with pytest.raises(SamlRejected) as caught:
        validate(issue(idp, sp), sp, [KeyPair.generate("other").certificate_pem])
    assert caught.value.reason == "signature"


def test_S11_during_rollover_both_certificates_are_accepted(sp: Sp) -> None:
    old_idp, new_idp = make_idp(sp), make_idp(sp)
    trusted = [old_idp.keys.certificate_pem, new_idp.keys.certificate_pem]
    assert validate(issue(old_idp, sp), sp, trusted).name_id == "ann@acme.test"
    assert validate(issue(new_idp, sp), sp, trusted).name_id == "ann@acme.test"
    with pytest.raises(SamlRejected):
        validate(issue(old_idp, sp), sp, [new_idp.keys.certificate_pem])  # the old one removed


def test_S11_encrypted_attributes_are_rejected(sp: Sp, idp: SamlIdp) -> None:
    root = tree(issue(idp, sp, attributes={"email": ["ann@acme.test"]}))
    statement = root.find(".//saml:AttributeStatement", NS)
    etree.SubElement(statement, f"{{{saml_rules.SAML}}}EncryptedAttribute")
    assert rejected(resigned_assertion(idp, root), sp, idp) == "decryption"


def test_S11_an_unencrypted_assertion_is_rejected_when_encryption_is_required(sp: Sp, idp: SamlIdp) -> None:
    assert rejected(issue(idp, sp), sp, idp, require_encryption=True) == "encryption_required"
