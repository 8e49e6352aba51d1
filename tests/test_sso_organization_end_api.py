"""SSO sign-in to an organization whose subscription has ended, through the gateway's SAML ACS with the four services
in process over real gRPC, NATS and SQLite, a real pysaml2 IdP and a real DNS server: a newcomer is refused up front
on a page that names the reason, and an Owner still goes on to the read-only page, as a password sign-in does."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from gateway.tests import in_process
from gateway.tests.in_process import OWNER_EMAIL, running_services
from services.common.clock import Clock
from services.common.nats_server import NatsServer
from services.common.testing import eventually
from services.identity.tests.dns_server import TxtZone, dns_server
from tests.peers.saml_idp import KeyPair, SamlIdp, encoded


class ShiftedClock:
    """The real time, moved forward on demand; every service runs on it."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
async def acme(
    tmp_path: Path, nats_server: NatsServer, clock: ShiftedClock
) -> AsyncIterator[tuple[httpx.AsyncClient, TxtZone]]:
    clocks: dict[str, Clock] = dict.fromkeys(("identity", "membership", "billing", "audit"), clock)
    with dns_server() as (zone, port):
        async with (
            running_services(
                tmp_path,
                nats_server.url,
                {"renewal_interval_seconds": 0.2},
                clocks,
                identity_settings={"dns_nameservers": [f"127.0.0.1:{port}"]},
            ) as running,
            in_process.owner_client(tmp_path, running) as client,
        ):
            yield client, zone


async def saml_connection(client: httpx.AsyncClient, zone: TxtZone) -> tuple[str, SamlIdp, str, str]:
    """An enabled SAML connection (IdP-initiated and just-in-time on) of a verified acme.test, and its IdP; with our
    ACS URL and SP entity id as the SP metadata gives them."""
    created = await client.post(
        "/v1/sso/connections",
        json={"name": "Acme IdP", "protocol": "saml", "idp_initiated_enabled": True, "jit_provisioning": True},
    )
    assert created.status_code == 201, created.text
    connection_id = created.json()["connection"]["id"]
    sp_metadata = (await client.get(f"/v1/sso/connections/{connection_id}/sp-metadata")).text
    acs_url = re.search(r'AssertionConsumerService[^>]*Location="([^"]+)"', sp_metadata)
    entity_id = re.search(r'entityID="([^"]+)"', sp_metadata)
    assert acs_url and entity_id, sp_metadata
    idp = SamlIdp("https://idp.acme.test/metadata", "https://idp.acme.test/sso", KeyPair.generate(), sp_metadata)
    imported = await client.post(f"/v1/sso/connections/{connection_id}/metadata", json={"metadata_xml": idp.metadata()})
    assert imported.status_code == 200, imported.text
    domain = (await client.post("/v1/sso/domains", json={"domain": "acme.test"})).json()["domain"]
    zone.records[domain["txt_record_name"]] = [domain["txt_record_value"]]
    assert (await client.post("/v1/sso/domains/acme.test/verify")).json()["domain"]["state"] == "verified"

    async def enabled() -> bool:
        # Identity learns the plan's entitlements from billing's events, shortly after the organization starts.
        reply = await client.patch(f"/v1/sso/connections/{connection_id}", json={"enabled": True})
        assert reply.status_code in (200, 409), reply.text
        return reply.status_code == 200

    assert await eventually(enabled, timeout=20)
    return connection_id, idp, acs_url.group(1), entity_id.group(1)


async def post_to_acs(client: httpx.AsyncClient, connection_id: str, saml_response: str) -> httpx.Response:
    """The IdP's form, as the browser posts it again from our origin (the binding hop done)."""
    return await client.post(
        f"/sso/saml/{connection_id}/acs", data={"SAMLResponse": saml_response, "RelayState": "", "_rebound": "1"}
    )


async def test_sso_to_an_ended_organization_is_refused_up_front_naming_the_reason_and_owners_still_get_in(
    acme: tuple[httpx.AsyncClient, TxtZone], clock: ShiftedClock
) -> None:
    client, zone = acme
    connection_id, idp, acs_url, sp_entity_id = await saml_connection(client, zone)
    key = await client.post("/v1/api-keys", json={"name": "sync", "permissions": ["members.read"]})
    bearer = {"Authorization": f"Bearer {key.json()['secret']}"}
    assert (await client.post("/v1/billing/subscription/cancel")).status_code == 200
    clock.offset = timedelta(days=400)  # past the period's end: billing's renewal worker ends the subscription

    async def ended() -> bool:
        reply = await client.get("/v1/members", headers=bearer)
        return reply.status_code == 401 and reply.json()["reason"] == "ORGANIZATION_ENDED"

    await eventually(ended, timeout=20)
    clock.offset = timedelta()  # the IdP signs on the real clock; the organization stays ended
    client.cookies.clear()

    newcomer = idp.response(acs_url=acs_url, sp_entity_id=sp_entity_id, name_id="new@acme.test", in_response_to=None)
    refused = await post_to_acs(client, connection_id, encoded(newcomer))
    assert refused.status_code == 403, refused.text
    assert "subscription has ended" in refused.text
    assert "tenantry_session" not in refused.headers.get("set-cookie", "")
    members = await client.get("/v1/members", headers=bearer)
    assert members.json()["reason"] == "ORGANIZATION_ENDED"  # and nobody was added: no session, no member

    owner = idp.response(acs_url=acs_url, sp_entity_id=sp_entity_id, name_id=OWNER_EMAIL, in_response_to=None)
    signed_in = await post_to_acs(client, connection_id, encoded(owner))
    assert signed_in.status_code == 200 and "tenantry_session" in signed_in.headers.get("set-cookie", ""), (
        signed_in.text
    )
    portal = await client.get("/portal", follow_redirects=True)
    assert portal.status_code == 200 and "organization-ended" in portal.text, portal.text[:2000]
