"""Encrypted assertions (RELIABILITY S11, encryption part): a real pysaml2 IdP encrypting with xmlsec1 to our SP
certificate is accepted after decryption with our key; every decryption failure gives one and the same error
(no oracle); "require encrypted assertions" refuses plain ones; the decrypted assertion still passes every rule."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from lxml import etree

from services.identity.domain.sso import saml_rules
from services.identity.domain.sso.saml_rules import SamlRejected
from services.identity.tests.saml_fixtures import (
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
from tests.peers.saml_idp import (
    AES128_CBC,
    AES128_GCM,
    AES256_CBC,
    AES256_GCM,
    RSA_1_5,
    TRIPLE_DES_CBC,
    KeyPair,
    SamlIdp,
)

XENC = saml_rules.XENC
GCM_128 = "http://www.w3.org/2009/xmlenc11#aes128-gcm"


@pytest.fixture(scope="module")
def sp() -> Sp:
    return make_sp()


@pytest.fixture(scope="module")
def idp(sp: Sp) -> SamlIdp:
    return make_idp(sp)


@pytest.fixture(scope="module")
def sp_key() -> KeyPair:
    return KeyPair.generate("sp")


def accepted(xml: str, sp: Sp, idp: SamlIdp, keys: list[KeyPair], **overrides: object) -> str:
    assertion = validate(
        xml, sp, [idp.keys.certificate_pem], decryption_keys=tuple(k.private_pem for k in keys), **overrides
    )
    return assertion.name_id


def refusal(xml: str, sp: Sp, idp: SamlIdp, keys: list[KeyPair], **overrides: object) -> tuple[str, str, str]:
    with pytest.raises(SamlRejected) as caught:
        accepted(xml, sp, idp, keys, **overrides)
    return caught.value.reason, caught.value.detail, str(caught.value)


def hand_encrypted(response_xml: str, plaintext: bytes, certificate_pem: str) -> str:
    """The response with its assertion replaced by `plaintext` encrypted to the certificate (RSA-OAEP, AES-GCM),
    as an attacker holding our public certificate could send anything."""
    root = tree(response_xml)
    public_key = x509.load_pem_x509_certificate(certificate_pem.encode()).public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    session_key, iv = AESGCM.generate_key(128), os.urandom(12)
    wrapped = public_key.encrypt(session_key, padding.OAEP(padding.MGF1(hashes.SHA1()), hashes.SHA1(), None))  # noqa: S303
    ciphertext = iv + AESGCM(session_key).encrypt(iv, plaintext, None)
    encrypted = etree.fromstring(
        f"""<saml:EncryptedAssertion xmlns:saml="{saml_rules.SAML}" xmlns:xenc="{XENC}" xmlns:ds="{saml_rules.DS}">
  <xenc:EncryptedData Type="{XENC}Element"><xenc:EncryptionMethod Algorithm="{GCM_128}"/>
    <ds:KeyInfo><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="{XENC}rsa-oaep-mgf1p"/>
      <xenc:CipherData><xenc:CipherValue>{base64.b64encode(wrapped).decode()}</xenc:CipherValue></xenc:CipherData>
    </xenc:EncryptedKey></ds:KeyInfo>
    <xenc:CipherData><xenc:CipherValue>{base64.b64encode(ciphertext).decode()}</xenc:CipherValue></xenc:CipherData>
  </xenc:EncryptedData></saml:EncryptedAssertion>"""
    )
    root.replace(assertion_of(root), encrypted)
    return text(root)


def with_cipher_value(xml: str, path: str, change: object) -> str:
    root = tree(xml)
    value = root.find(path, NS | {"xenc": XENC})
    raw = bytearray(base64.b64decode("".join(value.text.split())))
    change(raw)  # type: ignore[operator]
    value.text = base64.b64encode(bytes(raw)).decode()
    return text(root)


CONTENT = "saml:EncryptedAssertion/xenc:EncryptedData/xenc:CipherData/xenc:CipherValue"
WRAPPED_KEY = "saml:EncryptedAssertion/xenc:EncryptedData/ds:KeyInfo/xenc:EncryptedKey/xenc:CipherData/xenc:CipherValue"


def flip_last(raw: bytearray) -> None:
    raw[-1] ^= 0x01


def flip_first(raw: bytearray) -> None:
    raw[0] ^= 0x80


@pytest.mark.parametrize("algorithm", [AES128_GCM, AES256_GCM, AES128_CBC, AES256_CBC])
def test_an_assertion_encrypted_to_our_certificate_is_accepted_after_decryption(
    sp: Sp, idp: SamlIdp, sp_key: KeyPair, algorithm: str
) -> None:
    xml = issue(idp, sp, encrypt_to=sp_key.certificate_pem, content_algorithm=algorithm)
    assert "EncryptedAssertion" in xml and "ann@acme.test" not in xml
    assert accepted(xml, sp, idp, [sp_key], require_encryption=True) == "ann@acme.test"


def test_a_response_signed_over_its_encrypted_assertion_is_accepted(sp: Sp, idp: SamlIdp, sp_key: KeyPair) -> None:
    # IdPs that sign the Response sign it after encrypting: the signature covers the ciphertext.
    xml = issue(idp, sp, sign_response=True, encrypt_to=sp_key.certificate_pem)
    xml = idp.sign(xml, RESPONSE, tree(xml).get("ID"))
    assert accepted(xml, sp, idp, [sp_key], require_encryption=True) == "ann@acme.test"
    # A signed Response is verified before anything is decrypted: a tampered ciphertext never reaches decryption.
    tampered = with_cipher_value(xml, CONTENT, flip_first)
    assert refusal(tampered, sp, idp, [sp_key])[0] == "signature"


def test_during_a_key_rotation_either_key_in_use_decrypts(sp: Sp, idp: SamlIdp, sp_key: KeyPair) -> None:
    new_key = KeyPair.generate("sp-new")
    to_old = issue(idp, sp, encrypt_to=sp_key.certificate_pem)
    to_new = issue(idp, sp, encrypt_to=new_key.certificate_pem)
    assert accepted(to_old, sp, idp, [new_key, sp_key]) == "ann@acme.test"
    assert accepted(to_new, sp, idp, [new_key, sp_key]) == "ann@acme.test"
    # The old key retired: what is still encrypted to it no longer decrypts.
    assert refusal(to_old, sp, idp, [new_key])[0] == "decryption"


def test_every_decryption_failure_gives_one_and_the_same_error(sp: Sp, idp: SamlIdp, sp_key: KeyPair) -> None:
    stranger = KeyPair.generate("not-our-sp")
    genuine = issue(idp, sp, encrypt_to=sp_key.certificate_pem)
    genuine_cbc = issue(idp, sp, encrypt_to=sp_key.certificate_pem, content_algorithm=AES128_CBC)
    plain = issue(idp, sp)
    signed_assertion = etree.tostring(assertion_of(tree(plain)))
    swapped_algorithm = genuine.replace(GCM_128, AES128_CBC)
    failures = {
        "encrypted to another key": issue(idp, sp, encrypt_to=stranger.certificate_pem),
        "GCM ciphertext corrupted": with_cipher_value(genuine, CONTENT, flip_last),
        "CBC padding corrupted": with_cipher_value(genuine_cbc, CONTENT, flip_last),
        "CBC first block corrupted": with_cipher_value(genuine_cbc, CONTENT, flip_first),
        "wrapped key corrupted": with_cipher_value(genuine, WRAPPED_KEY, flip_first),
        "content algorithm swapped": swapped_algorithm,
        "3DES content": issue(idp, sp, encrypt_to=sp_key.certificate_pem, content_algorithm=TRIPLE_DES_CBC),
        "RSA PKCS#1 v1.5 key transport": issue(idp, sp, encrypt_to=sp_key.certificate_pem, key_transport=RSA_1_5),
        "plaintext is not XML": hand_encrypted(plain, b"<saml:Assertion", sp_key.certificate_pem),
        "plaintext has a DOCTYPE": hand_encrypted(
            plain, b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + signed_assertion, sp_key.certificate_pem
        ),
        "plaintext holds two assertions": hand_encrypted(
            plain, signed_assertion + signed_assertion, sp_key.certificate_pem
        ),
        "plaintext is not an assertion": hand_encrypted(
            plain, f'<saml:Issuer xmlns:saml="{saml_rules.SAML}">x</saml:Issuer>'.encode(), sp_key.certificate_pem
        ),
    }
    answers = {name: refusal(xml, sp, idp, [sp_key], require_encryption=True) for name, xml in failures.items()}
    assert set(answers.values()) == {("decryption", "", "decryption")}, answers


def test_a_hand_encrypted_genuine_assertion_decrypts_so_the_failures_above_are_about_their_content(
    sp: Sp, idp: SamlIdp, sp_key: KeyPair
) -> None:
    plain = issue(idp, sp)
    xml = hand_encrypted(plain, etree.tostring(assertion_of(tree(plain))), sp_key.certificate_pem)
    assert accepted(xml, sp, idp, [sp_key], require_encryption=True) == "ann@acme.test"


def test_an_encrypted_assertion_next_to_a_plain_one_is_rejected(sp: Sp, idp: SamlIdp, sp_key: KeyPair) -> None:
    encrypted = tree(issue(idp, sp, encrypt_to=sp_key.certificate_pem))
    plain_assertion = assertion_of(tree(issue(idp, sp, name_id="mallory@acme.test")))
    for position in (0, len(encrypted)):
        root = tree(text(encrypted))
        root.insert(position, plain_assertion)
        assert refusal(text(root), sp, idp, [sp_key])[0] == "assertion_count"
    root = tree(text(encrypted))
    root.append(tree(text(encrypted)).find("saml:EncryptedAssertion", NS))
    assert refusal(text(root), sp, idp, [sp_key])[0] == "assertion_count"


def test_an_unsigned_assertion_is_not_accepted_because_it_was_encrypted(sp: Sp, idp: SamlIdp, sp_key: KeyPair) -> None:
    # Anyone can encrypt to our public certificate: encryption proves nothing about who wrote the assertion.
    plain = issue(idp, sp)
    forged = evil_copy(assertion_of(tree(plain)), "id-forged")
    forged.remove(forged.find("ds:Signature", NS))
    xml = hand_encrypted(plain, etree.tostring(forged), sp_key.certificate_pem)
    assert refusal(xml, sp, idp, [sp_key])[0] == "signature"


def test_a_plain_assertion_is_refused_when_the_connection_requires_encryption(
    sp: Sp, idp: SamlIdp, sp_key: KeyPair
) -> None:
    assert refusal(issue(idp, sp), sp, idp, [sp_key], require_encryption=True)[0] == "encryption_required"
    assert accepted(issue(idp, sp), sp, idp, [sp_key]) == "ann@acme.test"
