"""A service provider and a real pysaml2 IdP for the SAML tests, and the tampering an attacker would do."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from lxml import etree

from services.identity.adapters.saml import Pysaml2Toolkit
from services.identity.domain.sso import saml_rules
from services.identity.domain.sso.connections import acs_url, sp_entity_id
from services.identity.domain.sso.saml_sign_in import verified_assertion
from tests.peers.saml_idp import KeyPair, SamlIdp, encoded

PUBLIC_URL = "https://tenantry.test"
IDP_ENTITY_ID = "https://idp.acme.test/metadata"
ASSERTION = f"{saml_rules.SAML}:Assertion"
RESPONSE = f"{saml_rules.SAMLP}:Response"
NS = {"samlp": saml_rules.SAMLP, "saml": saml_rules.SAML, "ds": saml_rules.DS}


@dataclass
class Sp:
    toolkit: Pysaml2Toolkit
    connection_id: str
    acs_url: str
    entity_id: str


def make_sp(connection_id: str = "conn-a") -> Sp:
    return Sp(
        Pysaml2Toolkit(), connection_id, acs_url(PUBLIC_URL, connection_id), sp_entity_id(PUBLIC_URL, connection_id)
    )


def make_idp(sp: Sp, keys: KeyPair | None = None) -> SamlIdp:
    keys = keys or KeyPair.generate("idp")
    metadata = sp.toolkit.sp_metadata(sp.entity_id, sp.acs_url, [KeyPair.generate("sp").certificate_pem])
    return SamlIdp(IDP_ENTITY_ID, "https://idp.acme.test/sso", keys, metadata)


def issue(
    idp: SamlIdp, sp: Sp, name_id: str = "ann@acme.test", in_response_to: str | None = "id-req-1", **kwargs: object
) -> str:
    return idp.response(
        acs_url=sp.acs_url,
        sp_entity_id=sp.entity_id,
        name_id=name_id,
        in_response_to=in_response_to,
        **kwargs,  # type: ignore[arg-type]
    )


def expectations(sp: Sp, now: datetime | None = None, **overrides: object) -> saml_rules.Expectations:
    values: dict[str, object] = {
        "acs_url": sp.acs_url,
        "sp_entity_id": sp.entity_id,
        "idp_entity_id": IDP_ENTITY_ID,
        "now": now or datetime.now(UTC),
        "skew": timedelta(seconds=60),
    }
    return saml_rules.Expectations(**(values | overrides))  # type: ignore[arg-type]


def validate(
    xml: str, sp: Sp, certificates: list[str], *, decryption_keys: tuple[str, ...] = (), **overrides: Any
) -> saml_rules.Assertion:
    return verified_assertion(
        encoded(xml),
        expectations(sp, **overrides),  # type: ignore[arg-type]
        sp.toolkit,
        certificates,
        decryption_keys,
    )


def tree(xml: str) -> etree._Element:
    return etree.fromstring(xml.encode())


def text(root: etree._Element) -> str:
    return etree.tostring(root, encoding="unicode")


def assertion_of(root: etree._Element) -> etree._Element:
    return root.find("saml:Assertion", NS)


def evil_copy(element: etree._Element, new_id: str, name_id: str = "mallory@acme.test") -> etree._Element:
    """A copy with another ID and NameID, its signature left stale (what a wrapping attack forges)."""
    evil = copy.deepcopy(element)
    evil.set("ID", new_id)
    for node in evil.iter(f"{{{saml_rules.SAML}}}NameID"):
        node.text = name_id
    return evil
