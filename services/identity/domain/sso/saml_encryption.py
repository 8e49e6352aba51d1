"""Decrypting an EncryptedAssertion (XML Encryption 1.0 and 1.1) with our SP keys: RSA-OAEP key transport, then
AES-GCM or AES-CBC content. Nothing else is offered: RSA PKCS#1 v1.5 key transport (Bleichenbacher) and 3DES are
refused.

No oracle: every failure, whatever its cause (a key that is not ours, a corrupted ciphertext or padding, an
algorithm we refuse, plaintext that is not one Assertion, hostile XML inside), raises the same SamlRejected with
reason "decryption" and no detail, so the answer and the audit entry are the same for all of them. The decrypted
Assertion then goes through every rule and the signature check like a plain one.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from lxml import etree

from services.identity.domain.sso.saml_rules import DS, SAML, XENC, SamlRejected, parse

XENC11 = "http://www.w3.org/2009/xmlenc11#"
ELEMENT_TYPE = f"{XENC}Element"
RSA_OAEP_MGF1P = f"{XENC}rsa-oaep-mgf1p"
RSA_OAEP = f"{XENC11}rsa-oaep"

# Content encryption: algorithm -> (mode, key length in bytes).
CONTENT_ALGORITHMS: dict[str, tuple[str, int]] = {
    f"{XENC}aes128-cbc": ("cbc", 16),
    f"{XENC}aes192-cbc": ("cbc", 24),
    f"{XENC}aes256-cbc": ("cbc", 32),
    f"{XENC11}aes128-gcm": ("gcm", 16),
    f"{XENC11}aes192-gcm": ("gcm", 24),
    f"{XENC11}aes256-gcm": ("gcm", 32),
}
_OAEP_DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "http://www.w3.org/2000/09/xmldsig#sha1": hashes.SHA1,
    "http://www.w3.org/2001/04/xmlenc#sha256": hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#sha384": hashes.SHA384,
    "http://www.w3.org/2001/04/xmlenc#sha512": hashes.SHA512,
}
_MGF_DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    f"{XENC11}mgf1sha1": hashes.SHA1,
    f"{XENC11}mgf1sha256": hashes.SHA256,
    f"{XENC11}mgf1sha384": hashes.SHA384,
    f"{XENC11}mgf1sha512": hashes.SHA512,
}
MAX_ENCRYPTED_KEYS = 4
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")


class _Failed(Exception):
    """Internal: why one attempt failed never leaves this module."""


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _cipher_value(element: etree._Element) -> bytes:
    value = element.find(f"{_q(XENC, 'CipherData')}/{_q(XENC, 'CipherValue')}")
    if value is None or len(value):
        raise _Failed
    return base64.b64decode("".join((value.text or "").split()), validate=True)


def _oaep(encrypted_key: etree._Element) -> padding.OAEP:
    method = encrypted_key.find(_q(XENC, "EncryptionMethod"))
    if method is None:
        raise _Failed
    algorithm = method.get("Algorithm")
    digest_method = method.find(_q(DS, "DigestMethod"))
    digest = _OAEP_DIGESTS.get(digest_method.get("Algorithm", "") if digest_method is not None else "")
    if digest_method is not None and digest is None:
        raise _Failed
    label_element = method.find(_q(XENC, "OAEPparams"))
    label = base64.b64decode((label_element.text or "").strip(), validate=True) if label_element is not None else None
    if algorithm == RSA_OAEP_MGF1P:
        # XML Encryption 1.0: MGF1 with SHA-1 always; the digest defaults to SHA-1.
        # Key transport, not a signature: SHA-1 in OAEP is what the algorithm mandates and is not a collision risk.
        return padding.OAEP(padding.MGF1(hashes.SHA1()), (digest or hashes.SHA1)(), label or None)  # noqa: S303
    if algorithm == RSA_OAEP:
        mgf_element = method.find(_q(XENC11, "MGF"))
        mgf = _MGF_DIGESTS.get(mgf_element.get("Algorithm", "") if mgf_element is not None else f"{XENC11}mgf1sha1")
        if mgf is None:
            raise _Failed
        return padding.OAEP(padding.MGF1(mgf()), (digest or hashes.SHA1)(), label or None)
    raise _Failed


def _content(algorithm: str, key: bytes, ciphertext: bytes) -> bytes:
    mode, _ = CONTENT_ALGORITHMS[algorithm]
    if mode == "gcm":
        if len(ciphertext) < 12 + 16:
            raise _Failed
        try:
            return AESGCM(key).decrypt(ciphertext[:12], ciphertext[12:], None)
        except InvalidTag:
            raise _Failed from None
    if len(ciphertext) < 32 or len(ciphertext) % 16:
        raise _Failed
    decryptor = Cipher(algorithms.AES(key), modes.CBC(ciphertext[:16])).decryptor()
    padded = decryptor.update(ciphertext[16:]) + decryptor.finalize()
    # XML Encryption padding: the last byte counts the padding bytes (their values are arbitrary).
    pad = padded[-1]
    if not 1 <= pad <= 16:
        raise _Failed
    return padded[:-pad]


def _encrypted_keys(encrypted_assertion: etree._Element, data: etree._Element) -> list[etree._Element]:
    """EncryptedKey inside the EncryptedData's KeyInfo, or next to the EncryptedData (a RetrievalMethod)."""
    keys = data.findall(f"{_q(DS, 'KeyInfo')}/{_q(XENC, 'EncryptedKey')}")
    keys += encrypted_assertion.findall(_q(XENC, "EncryptedKey"))
    if not keys or len(keys) > MAX_ENCRYPTED_KEYS:
        raise _Failed
    return keys


def _plaintext(encrypted_assertion: etree._Element, private_keys: Sequence[rsa.RSAPrivateKey]) -> bytes:
    data = encrypted_assertion.find(_q(XENC, "EncryptedData"))
    if data is None or data.get("Type", ELEMENT_TYPE) != ELEMENT_TYPE:
        raise _Failed
    method = data.find(_q(XENC, "EncryptionMethod"))
    algorithm = method.get("Algorithm", "") if method is not None else ""
    if algorithm not in CONTENT_ALGORITHMS:
        raise _Failed
    ciphertext = _cipher_value(data)
    key_length = CONTENT_ALGORITHMS[algorithm][1]
    for encrypted_key in _encrypted_keys(encrypted_assertion, data):
        oaep = _oaep(encrypted_key)
        wrapped = _cipher_value(encrypted_key)
        for private_key in private_keys:
            try:
                session_key = private_key.decrypt(wrapped, oaep)
            except ValueError:
                continue
            if len(session_key) == key_length:
                return _content(algorithm, session_key, ciphertext)
    raise _Failed


def _assertion_of(plaintext: bytes, encrypted_assertion: etree._Element) -> etree._Element:
    """The decrypted element, parsed as strictly as a response (no DTD, UTF-8) inside the namespace declarations
    in scope where it was encrypted; exactly one saml:Assertion and nothing else."""
    plaintext = _XML_DECLARATION.sub(b"", plaintext, count=1)
    declarations = " ".join(
        f"xmlns:{prefix}={quoteattr(uri)}" if prefix else f"xmlns={quoteattr(uri)}"
        for prefix, uri in encrypted_assertion.nsmap.items()
    )
    try:
        wrapper = parse(f"<wrapper {declarations}>".encode() + plaintext + b"</wrapper>")
    except SamlRejected:
        raise _Failed from None
    children = list(wrapper)
    if len(children) != 1 or children[0].tag != _q(SAML, "Assertion"):
        raise _Failed
    if (wrapper.text or "").strip() or (children[0].tail or "").strip():
        raise _Failed
    return children[0]


def load_private_keys(private_keys_pem: Sequence[str]) -> list[rsa.RSAPrivateKey]:
    keys = []
    for pem in private_keys_pem:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if isinstance(key, rsa.RSAPrivateKey):
            keys.append(key)
    return keys


def decrypt_assertion(
    root: etree._Element, encrypted_assertion: etree._Element, private_keys_pem: Sequence[str]
) -> etree._Element:
    """Replace the EncryptedAssertion (a child of `root`) by the Assertion it holds, decrypted with one of our
    keys in use; the one generic SamlRejected("decryption") otherwise."""
    try:
        plaintext = _plaintext(encrypted_assertion, load_private_keys(private_keys_pem))
        assertion = _assertion_of(plaintext, encrypted_assertion)
    except (_Failed, ValueError, TypeError, IndexError):
        # ValueError covers bad base64 and unusable keys; nothing tells one failure from another.
        raise SamlRejected("decryption") from None
    root.replace(encrypted_assertion, assertion)
    return assertion
