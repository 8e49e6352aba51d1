"""The SAML toolkit behind identity's SamlToolkit port: pysaml2 for the protocol messages and xmlsec1 (through
pysaml2's backend) for signatures. The strict checks around them are ours (domain/sso/saml_rules.py)."""

from __future__ import annotations

import base64
import os
import tempfile
import zlib
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, md, samlp, xmldsig
from saml2.saml import NAMEID_FORMAT_UNSPECIFIED, Issuer
from saml2.sigver import CryptoBackendXmlSec1, SigverError, XmlsecError, get_xmlsec_binary

from services.common.errors import FieldViolation, InvalidArgument
from services.common.ids import new_id
from services.identity.domain.sso import saml_rules
from services.identity.domain.sso.model import SpKey
from services.identity.domain.sso.ports import ImportedMetadata, SignedRequest

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
SIG_RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
ENCRYPTION_METHODS = (
    "http://www.w3.org/2009/xmlenc11#aes256-gcm",
    "http://www.w3.org/2009/xmlenc11#aes128-gcm",
    "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
    "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
    "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
)


def _pem_body(pem: str) -> str:
    return "".join(line for line in pem.strip().splitlines() if not line.startswith("-----"))


def _pem_of(body: str) -> str:
    compact = "".join(body.split())
    lines = [compact[i : i + 64] for i in range(0, len(compact), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


class Pysaml2Toolkit:
    def __init__(self, xmlsec_binary: str | None = None):
        self._backend = CryptoBackendXmlSec1(xmlsec_binary or get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]))

    def verify_signature(
        self, document: bytes, element_id: str, element_name: str, certificates_pem: list[str]
    ) -> bool:
        """xmlsec1 verifies with the pinned certificates only (never a key or certificate the message carries)."""
        text = document.decode("utf-8")
        for pem in certificates_pem:
            with tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False) as cert_file:
                cert_file.write(pem)
            try:
                if self._backend.validate_signature(text, cert_file.name, "pem", element_name, element_id):
                    return True
            except (XmlsecError, SigverError):
                continue
            finally:
                os.unlink(cert_file.name)
        return False

    def read_idp_metadata(self, metadata_xml: str) -> ImportedMetadata:
        try:
            root = saml_rules.parse(metadata_xml.encode("utf-8"))
        except saml_rules.SamlRejected:
            raise InvalidArgument(
                "The metadata is not acceptable XML (DTDs and other encodings than UTF-8 are refused).",
                [FieldViolation("metadata_xml", "not acceptable XML")],
            ) from None
        descriptor = root if root.tag == f"{{{MD}}}EntityDescriptor" else root.find(f"{{{MD}}}EntityDescriptor")
        idp = descriptor.find(f"{{{MD}}}IDPSSODescriptor") if descriptor is not None else None
        if descriptor is None or idp is None:
            raise InvalidArgument(
                "The metadata describes no identity provider.", [FieldViolation("metadata_xml", "no IDPSSODescriptor")]
            )
        sso_url = ""
        for service in idp.findall(f"{{{MD}}}SingleSignOnService"):
            if service.get("Binding") == BINDING_HTTP_REDIRECT:
                sso_url = service.get("Location", "")
        certificates: list[str] = []
        for key in idp.findall(f"{{{MD}}}KeyDescriptor"):
            if key.get("use", "signing") != "signing":
                continue
            for element in key.iter(f"{{{saml_rules.DS}}}X509Certificate"):
                certificates.append(_pem_of(saml_rules.full_text(element)))
        entity_id = descriptor.get("entityID", "")
        if not entity_id or not sso_url or not certificates:
            raise InvalidArgument(
                "The metadata needs an entityID, an HTTP-Redirect SingleSignOnService and a signing certificate.",
                [FieldViolation("metadata_xml", "incomplete identity provider metadata")],
            )
        return ImportedMetadata(entity_id, sso_url, tuple(certificates))

    def sp_metadata(self, entity_id: str, acs_url: str, certificates_pem: list[str]) -> str:
        """Each certificate of a key in use, for signing and for encryption (one key pair does both)."""
        descriptor = md.EntityDescriptor(
            entity_id=entity_id,
            spsso_descriptor=md.SPSSODescriptor(
                protocol_support_enumeration=samlp.NAMESPACE,
                authn_requests_signed="true",
                want_assertions_signed="true",
                key_descriptor=[
                    md.KeyDescriptor(
                        use=use,
                        key_info=xmldsig.KeyInfo(
                            x509_data=[xmldsig.X509Data(x509_certificate=xmldsig.X509Certificate(text=_pem_body(pem)))]
                        ),
                        # What we decrypt, strongest first (saml_encryption.py): IdPs pick from this list.
                        encryption_method=[
                            md.EncryptionMethod(algorithm=a) for a in ENCRYPTION_METHODS if use == "encryption"
                        ],
                    )
                    for pem in certificates_pem
                    for use in ("signing", "encryption")
                ],
                assertion_consumer_service=[
                    md.AssertionConsumerService(binding=BINDING_HTTP_POST, location=acs_url, index="0")
                ],
            ),
        )
        return str(descriptor)

    def authn_request(
        self, *, sp_entity_id: str, acs_url: str, idp_sso_url: str, key: SpKey, relay_state: str
    ) -> SignedRequest:
        """An AuthnRequest on the HTTP-Redirect binding, signed as that binding signs (over the query string)."""
        request_id = "id-" + new_id().replace("-", "")
        request = samlp.AuthnRequest(
            id=request_id,
            version="2.0",
            issue_instant=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            destination=idp_sso_url,
            assertion_consumer_service_url=acs_url,
            protocol_binding=BINDING_HTTP_POST,
            issuer=Issuer(text=sp_entity_id),
            name_id_policy=samlp.NameIDPolicy(format=NAMEID_FORMAT_UNSPECIFIED, allow_create="true"),
        )
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        deflated = compressor.compress(str(request).encode()) + compressor.flush()
        parameters = [("SAMLRequest", base64.b64encode(deflated).decode())]
        if relay_state:
            parameters.append(("RelayState", relay_state))
        parameters.append(("SigAlg", SIG_RSA_SHA256))
        signed_part = urlencode(parameters)
        private_key = serialization.load_pem_private_key(key.private_key_pem.encode(), password=None)
        assert isinstance(private_key, rsa.RSAPrivateKey)
        signature = private_key.sign(signed_part.encode(), padding.PKCS1v15(), hashes.SHA256())
        query = signed_part + "&" + urlencode({"Signature": base64.b64encode(signature).decode()})
        separator = "&" if "?" in idp_sso_url else "?"
        return SignedRequest(request_id, f"{idp_sso_url}{separator}{query}")

    def new_key_pair(self, common_name: str) -> tuple[str, str]:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])])
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=3650))
            .sign(key, hashes.SHA256())
        )
        private_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        return private_pem, certificate.public_bytes(serialization.Encoding.PEM).decode()
