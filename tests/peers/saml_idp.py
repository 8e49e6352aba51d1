"""A real SAML identity provider for tests, built on pysaml2's IdP (`saml2.server.Server`).

In-process, `SamlIdp` issues signed Responses (and re-signs tampered ones, as an attacker holding a key would).
As a process (`python -m tests.peers.saml_idp CONFIG.json`) it serves `/metadata` and `/sso`: an HTTP-Redirect
AuthnRequest is answered at once for the configured person with an auto-submitting form that POSTs the signed
Response to the ACS, as a browser does."""

from __future__ import annotations

import base64
import html
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from lxml import etree
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server
from saml2.sigver import RSA_OAEP_MGF1P, get_xmlsec_binary, pre_encryption_part

from services.identity.adapters.saml import Pysaml2Toolkit

SHA256_SIGNATURE = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256_DIGEST = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA1_SIGNATURE = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
SHA1_DIGEST = "http://www.w3.org/2000/09/xmldsig#sha1"
SAML_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
AES128_GCM = "http://www.w3.org/2009/xmlenc11#aes128-gcm"
AES256_GCM = "http://www.w3.org/2009/xmlenc11#aes256-gcm"
AES128_CBC = "http://www.w3.org/2001/04/xmlenc#aes128-cbc"
AES256_CBC = "http://www.w3.org/2001/04/xmlenc#aes256-cbc"
TRIPLE_DES_CBC = "http://www.w3.org/2001/04/xmlenc#tripledes-cbc"
RSA_1_5 = "http://www.w3.org/2001/04/xmlenc#rsa-1_5"
# xmlsec1's --session-key for each content algorithm.
SESSION_KEYS = {
    AES128_GCM: "aes-128",
    AES256_GCM: "aes-256",
    AES128_CBC: "aes-128",
    AES256_CBC: "aes-256",
    TRIPLE_DES_CBC: "des-192",
}
XMLSEC = get_xmlsec_binary(["/usr/bin", "/usr/local/bin"])


@dataclass(frozen=True)
class KeyPair:
    private_pem: str
    certificate_pem: str

    @classmethod
    def generate(cls, name: str = "test-idp") -> KeyPair:
        return cls(*Pysaml2Toolkit().new_key_pair(name))


def _file(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.write_text(text)
    return str(path)


class SamlIdp:
    def __init__(self, entity_id: str, sso_url: str, keys: KeyPair, sp_metadata_xml: str = ""):
        self.entity_id = entity_id
        self.sso_url = sso_url
        self.keys = keys
        self.sp_metadata_xml = sp_metadata_xml
        self._directory = Path(tempfile.mkdtemp(prefix="saml-idp-"))
        config = {
            "entityid": entity_id,
            "service": {
                "idp": {
                    "endpoints": {"single_sign_on_service": [(sso_url, BINDING_HTTP_REDIRECT)]},
                    "policy": {"default": {"lifetime": {"minutes": 15}, "name_form": NAME_FORMAT_URI}},
                    "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                    "sign_response": False,
                    "sign_assertion": True,
                    "want_authn_requests_signed": False,
                }
            },
            "key_file": _file(self._directory, "idp.key", keys.private_pem),
            "cert_file": _file(self._directory, "idp.crt", keys.certificate_pem),
            "xmlsec_binary": XMLSEC,
            "metadata": {"inline": [sp_metadata_xml]} if sp_metadata_xml else {},
            "delete_tmpfiles": True,
        }
        idp_config = IdPConfig()
        idp_config.load(config)
        self._config = idp_config
        self.server = Server(config=idp_config)

    def metadata(self) -> str:
        return str(entity_descriptor(self._config))

    def response(
        self,
        *,
        acs_url: str,
        sp_entity_id: str,
        name_id: str,
        in_response_to: str | None,
        attributes: dict[str, list[str]] | None = None,
        session_not_on_or_after: datetime | None = None,
        sign_response: bool = False,
        sign_assertion: bool = True,
        sign_alg: str = SHA256_SIGNATURE,
        digest_alg: str = SHA256_DIGEST,
        encrypt_to: str = "",
        content_algorithm: str = AES128_GCM,
        key_transport: str = RSA_OAEP_MGF1P,
    ) -> str:
        """A signed Response as this IdP issues it (XML text); with `encrypt_to` (an SP certificate, PEM) its
        signed assertion is then encrypted to that certificate, as IdPs do."""
        response = self.server.create_authn_response(
            identity=attributes or {"email": [name_id]},
            in_response_to=in_response_to,
            destination=acs_url,
            sp_entity_id=sp_entity_id,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=name_id),
            userid=name_id,
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password", "authn_auth": self.entity_id},
            sign_response=sign_response,
            sign_assertion=sign_assertion,
            sign_alg=sign_alg,
            digest_alg=digest_alg,
            session_not_on_or_after=(
                session_not_on_or_after.strftime("%Y-%m-%dT%H:%M:%SZ") if session_not_on_or_after else None
            ),
        )
        if encrypt_to:
            return self.encrypt(str(response), encrypt_to, content_algorithm, key_transport)
        return str(response)

    def sp_encryption_certificate(self) -> str:
        """The first encryption certificate the SP's metadata publishes, PEM (what an IdP encrypts to)."""
        root = etree.fromstring(self.sp_metadata_xml.encode())
        for descriptor in root.iter("{urn:oasis:names:tc:SAML:2.0:metadata}KeyDescriptor"):
            if descriptor.get("use") == "encryption":
                body = "".join(next(descriptor.iter("{http://www.w3.org/2000/09/xmldsig#}X509Certificate")).itertext())
                lines = [body.strip()[i : i + 64] for i in range(0, len(body.strip()), 64)]
                return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"
        raise LookupError("the SP metadata publishes no encryption certificate")

    def encrypt(
        self, xml: str, certificate_pem: str, content_algorithm: str = AES128_GCM, key_transport: str = RSA_OAEP_MGF1P
    ) -> str:
        """The response with its (signed) Assertion moved into an EncryptedAssertion and encrypted by xmlsec1 to
        `certificate_pem`: a fresh session key wrapped with RSA-OAEP, the content with `content_algorithm`."""
        root = etree.fromstring(xml.encode())
        assertion = root.find(f"{{{SAML_NS}}}Assertion")
        wrapper = etree.Element(f"{{{SAML_NS}}}EncryptedAssertion")
        root.replace(assertion, wrapper)
        wrapper.append(assertion)
        body = "".join(line for line in certificate_pem.strip().splitlines() if not line.startswith("-----"))
        template = pre_encryption_part(msg_enc=content_algorithm, key_enc=key_transport, encrypt_cert=body)
        cert_file = _file(self._directory, "encrypt-to.crt", certificate_pem)
        try:
            return str(
                self.server.sec.encrypt_assertion(
                    etree.tostring(root, encoding="unicode"),
                    cert_file,
                    template,
                    key_type=SESSION_KEYS[content_algorithm],
                )
            )
        finally:
            os.unlink(cert_file)

    def sign(self, xml: str, node_name: str, node_id: str, keys: KeyPair | None = None) -> str:
        """Sign (again) the element `node_id` of a document that already holds an empty or stale signature
        template there, with this IdP's key or another (an attacker's)."""
        keys = keys or self.keys
        key_file = _file(self._directory, f"sign-{node_id}.key", keys.private_pem)
        try:
            return self.server.sec.sign_statement(xml, node_name, key_file=key_file, node_id=node_id)
        finally:
            os.unlink(key_file)


def encoded(xml: str) -> str:
    return base64.b64encode(xml.encode("utf-8")).decode()


def auto_post_form(acs_url: str, saml_response: str, relay_state: str = "") -> str:
    return (
        "<!doctype html><html><body onload='document.forms[0].submit()'>"
        f"<form method='post' action='{html.escape(acs_url)}'>"
        f"<input type='hidden' name='SAMLResponse' value='{html.escape(saml_response)}'>"
        f"<input type='hidden' name='RelayState' value='{html.escape(relay_state)}'>"
        "<noscript><button>Continue</button></noscript></form></body></html>"
    )


def serve(config: dict[str, str]) -> None:
    """Serve the IdP: config has entity_id, port, private_pem, certificate_pem, sp_metadata, person (email)
    and optionally groups (comma separated), session_minutes and encrypt (a content algorithm URI: the assertion
    is then encrypted to the encryption certificate of the SP metadata)."""
    port = int(config["port"])
    base = f"http://127.0.0.1:{port}"
    idp = SamlIdp(
        config.get("entity_id", f"{base}/metadata"),
        f"{base}/sso",
        KeyPair(config["private_pem"], config["certificate_pem"]),
        config["sp_metadata"],
    )

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def _send(self, status: int, body: str, content_type: str) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path == "/metadata":
                self._send(200, idp.metadata(), "application/samlmetadata+xml")
                return
            if url.path != "/sso":
                self._send(404, "not found", "text/plain")
                return
            query = parse_qs(url.query)
            request = idp.server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT).message
            groups = [g for g in config.get("groups", "").split(",") if g]
            attributes = {"email": [config["person"]], "displayName": [config.get("display_name", "Ann Example")]}
            if groups:
                attributes["groups"] = groups
            minutes = int(config.get("session_minutes", "0"))
            xml = idp.response(
                acs_url=request.assertion_consumer_service_url,
                sp_entity_id=request.issuer.text,
                name_id=config["person"],
                in_response_to=request.id,
                attributes=attributes,
                session_not_on_or_after=datetime.now(UTC) + timedelta(minutes=minutes) if minutes else None,
                encrypt_to=idp.sp_encryption_certificate() if config.get("encrypt") else "",
                content_algorithm=config.get("encrypt") or AES128_GCM,
            )
            relay = query.get("RelayState", [""])[0]
            self._send(200, auto_post_form(request.assertion_consumer_service_url, encoded(xml), relay), "text/html")

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    serve(json.loads(Path(sys.argv[1]).read_text()))
