"""The strict SAML validation layer: what we demand of a Response before, and around, the library's signature
check. Libraries leave gaps (optional audience, prefix-matched Destination, InResponseTo checked only when both
sides have one, SHA-1, several assertions, identity read from an unsigned copy), so every rule is ours:

- any DOCTYPE or entity declaration, and any encoding but UTF-8, is refused before anything is parsed;
- exactly one assertion in the whole document, a direct child of the Response; IDs are unique;
- signatures only as direct children of the Response or the Assertion, each with exactly one Reference to its
  own parent's ID, SHA-2 only, exclusive canonicalization without comments;
- identity is read only from that assertion (the signed element or the child of the signed Response);
- Destination and Recipient equal the configured ACS URL exactly; audience required; issuer matched;
  NotBefore/NotOnOrAfter with a small skew; the NameID is its full text (comments never truncate it).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from lxml import etree

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
XENC = "http://www.w3.org/2001/04/xmlenc#"
XINCLUDE = "http://www.w3.org/2001/XInclude"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"

MAX_RESPONSE_BYTES = 256 * 1024

SIGNATURE_ALGORITHMS = frozenset(
    {
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
    }
)
DIGEST_ALGORITHMS = frozenset(
    {
        "http://www.w3.org/2001/04/xmlenc#sha256",
        "http://www.w3.org/2001/04/xmldsig-more#sha384",
        "http://www.w3.org/2001/04/xmlenc#sha512",
    }
)
# Canonicalizations without comments only: "with comments" is how the NameID comment trick survives signing.
CANONICALIZATIONS = frozenset(
    {
        "http://www.w3.org/2001/10/xml-exc-c14n#",
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
        "http://www.w3.org/2006/12/xml-c14n11",
    }
)
TRANSFORMS = CANONICALIZATIONS | {"http://www.w3.org/2000/09/xmldsig#enveloped-signature"}

_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


class SamlRejected(Exception):
    """A response we refuse; `reason` goes to the audit log, the person sees one generic message."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Expectations:
    acs_url: str
    sp_entity_id: str
    idp_entity_id: str
    now: datetime
    skew: timedelta
    require_encryption: bool = False


@dataclass(frozen=True)
class SignedElement:
    """An element whose signature the library must verify: its local name (for the ID attribute) and ID."""

    node_name: str
    element_id: str


@dataclass(frozen=True)
class Assertion:
    response_id: str
    assertion_id: str
    issuer: str
    name_id: str
    in_response_to: str
    attributes: dict[str, tuple[str, ...]]
    session_not_on_or_after: datetime | None
    # When the ids may leave the replay cache: the latest NotOnOrAfter plus the skew.
    replay_expires_at: datetime
    signed: tuple[SignedElement, ...]


def decode_response(form_value: str) -> bytes:
    """The posted SAMLResponse as bytes: strict base64, bounded size."""
    if not form_value or len(form_value) > MAX_RESPONSE_BYTES * 4 // 3 + 4:
        raise SamlRejected("xml", "empty or oversized response")
    try:
        document = base64.b64decode("".join(form_value.split()), validate=True)
    except (binascii.Error, ValueError):
        raise SamlRejected("xml", "not base64") from None
    if len(document) > MAX_RESPONSE_BYTES:
        raise SamlRejected("xml", "oversized response")
    return document


def refuse_hostile_xml(document: bytes) -> None:
    """Before any parser or signature code sees it: no DTD at all (XXE, billion laughs, the DOCTYPE parser
    differential), no XInclude, UTF-8 only (another encoding could hide a DOCTYPE from this check)."""
    declared = _DECLARED_ENCODING.match(document)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        raise SamlRejected("xml", "only UTF-8 documents")
    if document.startswith((b"\xfe\xff", b"\xff\xfe", b"\x00", b"\xef\xbb\xbf\x00")):
        raise SamlRejected("xml", "only UTF-8 documents")
    try:
        text = document.decode("utf-8")
    except UnicodeDecodeError:
        raise SamlRejected("xml", "not UTF-8") from None
    lowered = text.lower()
    if "<!doctype" in lowered or "<!entity" in lowered or "<!element" in lowered or "<!attlist" in lowered:
        raise SamlRejected("xml", "DTDs are refused")
    if XINCLUDE.lower() in lowered:
        raise SamlRejected("xml", "XInclude is refused")


def parse(document: bytes) -> etree._Element:
    refuse_hostile_xml(document)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(document, parser)
    except etree.XMLSyntaxError:
        raise SamlRejected("xml", "not well-formed") from None
    if root.getroottree().docinfo.doctype:
        raise SamlRejected("xml", "DTDs are refused")
    return root


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def full_text(element: etree._Element) -> str:
    """The whole text of an element: every text node joined (a comment never cuts it short). An element with
    child elements is refused: a NameID or attribute value is text."""
    if len(element):
        raise SamlRejected("xml", f"{etree.QName(element).localname} must hold text only")
    return "".join(element.itertext()).strip()


def _time(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise SamlRejected("time", f"{name} is not a dateTime") from None
    if moment.tzinfo is None:
        raise SamlRejected("time", f"{name} has no time zone")
    return moment


def _check_signature_shape(signature: etree._Element, parent_id: str) -> None:
    signed_info = signature.find(_q(DS, "SignedInfo"))
    if signed_info is None:
        raise SamlRejected("signature", "no SignedInfo")
    canonicalization = signed_info.find(_q(DS, "CanonicalizationMethod"))
    method = signed_info.find(_q(DS, "SignatureMethod"))
    if canonicalization is None or canonicalization.get("Algorithm") not in CANONICALIZATIONS:
        raise SamlRejected("algorithm", "canonicalization not allowed")
    if method is None or method.get("Algorithm") not in SIGNATURE_ALGORITHMS:
        raise SamlRejected("algorithm", "signature algorithm not allowed (SHA-2 only)")
    references = signed_info.findall(_q(DS, "Reference"))
    if len(references) != 1:
        raise SamlRejected("signature", "exactly one reference")
    reference = references[0]
    if reference.get("URI") != f"#{parent_id}" or not parent_id:
        raise SamlRejected("signature", "the reference must point at the signed element itself")
    digest = reference.find(_q(DS, "DigestMethod"))
    if digest is None or digest.get("Algorithm") not in DIGEST_ALGORITHMS:
        raise SamlRejected("algorithm", "digest algorithm not allowed (SHA-2 only)")
    for transform in reference.iterfind(f"{_q(DS, 'Transforms')}/{_q(DS, 'Transform')}"):
        if transform.get("Algorithm") not in TRANSFORMS:
            raise SamlRejected("algorithm", "transform not allowed")
    value = signature.find(_q(DS, "SignatureValue"))
    if value is None or not "".join(value.itertext()).strip():
        raise SamlRejected("signature", "empty signature value")


def response_signature(root: etree._Element) -> SignedElement | None:
    """The Response's own signature, shape-checked, when it has one (checked before decrypting: what the IdP
    signed is all we decrypt, so a tampered ciphertext never reaches the decryption code)."""
    signatures = root.findall(_q(DS, "Signature"))
    if not signatures:
        return None
    if len(signatures) > 1:
        raise SamlRejected("signature", "two signatures on one element")
    _check_signature_shape(signatures[0], root.get("ID", ""))
    return SignedElement(f"{SAMLP}:Response", root.get("ID", ""))


def _signed_elements(root: etree._Element, assertion: etree._Element) -> tuple[SignedElement, ...]:
    """The signatures to verify; a signature anywhere else than directly under the Response or the Assertion
    is refused (that is where wrapping attacks hide one)."""
    signed: list[SignedElement] = []
    for signature in root.iter(_q(DS, "Signature")):
        parent = signature.getparent()
        if parent is root:
            node = SignedElement(f"{SAMLP}:Response", root.get("ID", ""))
        elif parent is assertion:
            node = SignedElement(f"{SAML}:Assertion", assertion.get("ID", ""))
        else:
            raise SamlRejected("signature", "a signature outside the Response and the Assertion")
        if any(s.element_id == node.element_id for s in signed):
            raise SamlRejected("signature", "two signatures on one element")
        _check_signature_shape(signature, node.element_id)
        signed.append(node)
    if not signed:
        raise SamlRejected("signature", "the response is not signed")
    return tuple(signed)


def _unique_ids(root: etree._Element) -> None:
    seen: set[str] = set()
    for element in root.iter(etree.Element):
        for name in ("ID", "Id", "id"):
            value = element.get(name)
            if value is None:
                continue
            if value in seen:
                raise SamlRejected("signature", "duplicate ID")
            seen.add(value)


def encrypted_assertion(root: etree._Element) -> etree._Element | None:
    """The response's EncryptedAssertion, or None when it carries a plain one. Counted before decrypting:
    exactly one assertion, encrypted or not, a direct child of the Response."""
    encrypted = list(root.iter(_q(SAML, "EncryptedAssertion")))
    if not encrypted:
        return None
    count = len(encrypted) + sum(1 for _ in root.iter(_q(SAML, "Assertion")))
    if count != 1:
        raise SamlRejected("assertion_count", f"exactly 1 assertion, found {count}")
    if encrypted[0].getparent() is not root:
        raise SamlRejected("assertion_count", "the assertion must be a child of the Response")
    return encrypted[0]


def check_response(root: etree._Element, expect: Expectations, decrypted: bool = False) -> Assertion:
    """Every rule but the cryptographic check, which the caller asks the library for on `signed`. `decrypted`:
    the assertion arrived encrypted and the caller put its decrypted form in its place."""
    if root.tag != _q(SAMLP, "Response"):
        raise SamlRejected("xml", "not a SAML Response")
    if root.get("Version") != "2.0":
        raise SamlRejected("xml", "SAML 2.0 only")
    _unique_ids(root)
    if any(True for _ in root.iter(_q(SAML, "EncryptedAttribute"))):
        raise SamlRejected("decryption", "encrypted attributes are not supported")
    if any(True for _ in root.iter(_q(SAML, "EncryptedAssertion"))):
        # The caller decrypts the one EncryptedAssertion first (encrypted_assertion, then saml_encryption).
        raise SamlRejected("decryption")
    assertions = list(root.iter(_q(SAML, "Assertion")))
    if expect.require_encryption and not decrypted:
        raise SamlRejected("encryption_required", "the connection requires encrypted assertions")
    if len(assertions) != 1:
        raise SamlRejected("assertion_count", f"exactly 1 assertion, found {len(assertions)}")
    assertion = assertions[0]
    if assertion.getparent() is not root:
        raise SamlRejected("assertion_count", "the assertion must be a child of the Response")
    signed = _signed_elements(root, assertion)

    destination = root.get("Destination")
    if destination is None or destination != expect.acs_url:
        raise SamlRejected("destination", "Destination is not our ACS URL")
    status = root.find(f"{_q(SAMLP, 'Status')}/{_q(SAMLP, 'StatusCode')}")
    if status is None or status.get("Value") != SUCCESS:
        raise SamlRejected("status", "the IdP did not report success")
    response_issuer = root.find(_q(SAML, "Issuer"))
    if response_issuer is not None and full_text(response_issuer) != expect.idp_entity_id:
        raise SamlRejected("issuer", "Response issuer is not the connection's IdP")
    assertion_issuer = assertion.find(_q(SAML, "Issuer"))
    if assertion_issuer is None or full_text(assertion_issuer) != expect.idp_entity_id:
        raise SamlRejected("issuer", "Assertion issuer is not the connection's IdP")

    now, skew = expect.now, expect.skew
    latest_expiry: list[datetime] = []

    subject = assertion.find(_q(SAML, "Subject"))
    name_id = subject.find(_q(SAML, "NameID")) if subject is not None else None
    if subject is None or name_id is None:
        raise SamlRejected("subject", "no NameID")
    subject_value = full_text(name_id)
    if not subject_value or len(subject_value) > 512:
        raise SamlRejected("subject", "NameID empty or too long")
    response_in_response_to = root.get("InResponseTo")
    bearer_ok = False
    in_response_to = response_in_response_to or ""
    for confirmation in subject.findall(_q(SAML, "SubjectConfirmation")):
        if confirmation.get("Method") != BEARER:
            continue
        data = confirmation.find(_q(SAML, "SubjectConfirmationData"))
        if data is None:
            continue
        if data.get("Recipient") != expect.acs_url:
            raise SamlRejected("destination", "Recipient is not our ACS URL")
        not_on_or_after = _time(data.get("NotOnOrAfter"), "SubjectConfirmationData NotOnOrAfter")
        if not_on_or_after is None:
            raise SamlRejected("time", "SubjectConfirmationData needs NotOnOrAfter")
        if now >= not_on_or_after + skew:
            raise SamlRejected("time", "the subject confirmation has expired")
        not_before = _time(data.get("NotBefore"), "SubjectConfirmationData NotBefore")
        if not_before is not None and now + skew < not_before:
            raise SamlRejected("time", "the subject confirmation is not valid yet")
        data_in_response_to = data.get("InResponseTo")
        if (
            data_in_response_to is not None
            and response_in_response_to is not None
            and data_in_response_to != response_in_response_to
        ):
            raise SamlRejected("in_response_to", "InResponseTo differs between Response and Assertion")
        in_response_to = in_response_to or (data_in_response_to or "")
        latest_expiry.append(not_on_or_after)
        bearer_ok = True
    if not bearer_ok:
        raise SamlRejected("subject", "no bearer subject confirmation")

    conditions = assertion.find(_q(SAML, "Conditions"))
    if conditions is None:
        raise SamlRejected("audience", "no Conditions (audience is required)")
    not_before = _time(conditions.get("NotBefore"), "Conditions NotBefore")
    if not_before is not None and now + skew < not_before:
        raise SamlRejected("time", "the assertion is not valid yet")
    conditions_end = _time(conditions.get("NotOnOrAfter"), "Conditions NotOnOrAfter")
    if conditions_end is not None:
        if now >= conditions_end + skew:
            raise SamlRejected("time", "the assertion has expired")
        latest_expiry.append(conditions_end)
    restrictions = conditions.findall(_q(SAML, "AudienceRestriction"))
    if not restrictions:
        raise SamlRejected("audience", "no AudienceRestriction")
    for restriction in restrictions:
        audiences = [full_text(a) for a in restriction.findall(_q(SAML, "Audience"))]
        if expect.sp_entity_id not in audiences:
            raise SamlRejected("audience", "we are not the audience")

    session_cap: datetime | None = None
    for statement in assertion.findall(_q(SAML, "AuthnStatement")):
        cap = _time(statement.get("SessionNotOnOrAfter"), "SessionNotOnOrAfter")
        if cap is not None:
            session_cap = cap if session_cap is None else min(session_cap, cap)

    attributes: dict[str, tuple[str, ...]] = {}
    for attribute in assertion.iterfind(f"{_q(SAML, 'AttributeStatement')}/{_q(SAML, 'Attribute')}"):
        name = attribute.get("Name", "")
        values = tuple(full_text(v) for v in attribute.findall(_q(SAML, "AttributeValue")))
        attributes[name] = attributes.get(name, ()) + values

    return Assertion(
        response_id=root.get("ID", ""),
        assertion_id=assertion.get("ID", ""),
        issuer=expect.idp_entity_id,
        name_id=subject_value,
        in_response_to=in_response_to,
        attributes=attributes,
        session_not_on_or_after=session_cap,
        replay_expires_at=max(latest_expiry) + skew,
        signed=signed,
    )
