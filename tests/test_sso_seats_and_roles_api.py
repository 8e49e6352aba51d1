"""SSO sign-ins meeting the seat and role rules, through the gateway's SAML ACS with the four services in process over
real gRPC, NATS and SQLite, a real pysaml2 IdP and a real DNS server: a newcomer without a free seat gets a page
naming the reason (403, in their language) and an audit entry, and nothing is created; an IdP group → role mapping
moves an existing member's role at each sign-in (a default role never does), and when the role rules refuse the
change (the last Owner) the person still signs in with their role and the refusal is audited."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

import httpx

from gateway.tests import in_process
from gateway.tests.in_process import OWNER_EMAIL, running_services
from services.common.nats_server import NatsServer
from services.common.testing import eventually
from services.identity.tests.dns_server import TxtZone, dns_server
from tests.peers.saml_idp import KeyPair, SamlIdp, encoded

SESSION_COOKIE = "tenantry_session"


@asynccontextmanager
async def acme(tmp_path: Path, nats_server: NatsServer, seats: int) -> AsyncIterator[tuple[httpx.AsyncClient, TxtZone]]:
    """Acme with `seats` seats (its Owner holds one) and an Owner's client."""
    with dns_server() as (zone, port):
        async with (
            running_services(
                tmp_path,
                nats_server.url,
                {"default_seats": seats},
                identity_settings={"dns_nameservers": [f"127.0.0.1:{port}"]},
            ) as running,
            in_process.owner_client(tmp_path, running) as client,
        ):
            yield client, zone


class Idp:
    """An enabled SAML connection of a verified acme.test (groups read from the "groups" attribute) and its IdP."""

    def __init__(self, connection_id: str, idp: SamlIdp, acs_url: str, sp_entity_id: str):
        self.connection_id = connection_id
        self.idp = idp
        self.acs_url = acs_url
        self.sp_entity_id = sp_entity_id

    @classmethod
    async def connect(cls, client: httpx.AsyncClient, zone: TxtZone, group_mappings: list[dict[str, str]]) -> Idp:
        created = await client.post(
            "/v1/sso/connections",
            json={
                "name": "Acme IdP",
                "protocol": "saml",
                "idp_initiated_enabled": True,
                "jit_provisioning": True,
                "attribute_mapping": {"groups": "groups"},
                "group_mappings": group_mappings,
            },
        )
        assert created.status_code == 201, created.text
        connection_id = created.json()["connection"]["id"]
        sp_metadata = (await client.get(f"/v1/sso/connections/{connection_id}/sp-metadata")).text
        acs_url = re.search(r'AssertionConsumerService[^>]*Location="([^"]+)"', sp_metadata)
        entity_id = re.search(r'entityID="([^"]+)"', sp_metadata)
        assert acs_url and entity_id, sp_metadata
        idp = SamlIdp("https://idp.acme.test/metadata", "https://idp.acme.test/sso", KeyPair.generate(), sp_metadata)
        imported = await client.post(
            f"/v1/sso/connections/{connection_id}/metadata", json={"metadata_xml": idp.metadata()}
        )
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
        return cls(connection_id, idp, acs_url.group(1), entity_id.group(1))

    async def remap(self, client: httpx.AsyncClient, group_mappings: list[dict[str, str]]) -> None:
        changed = await client.patch(
            f"/v1/sso/connections/{self.connection_id}", json={"group_mappings": group_mappings}
        )
        assert changed.status_code == 200, changed.text

    async def sign_in(
        self, client: httpx.AsyncClient, email: str, groups: list[str], language: str = "en"
    ) -> httpx.Response:
        """The IdP's Response for `email` in `groups`, IdP-initiated, posted to the ACS from a browser without
        the Owner's cookies (the binding hop done); the client has the Owner's cookies back afterwards."""
        xml = self.idp.response(
            acs_url=self.acs_url,
            sp_entity_id=self.sp_entity_id,
            name_id=email,
            in_response_to=None,
            attributes={"email": [email], "groups": groups},
        )
        owner_cookies = httpx.Cookies(client.cookies)
        client.cookies.clear()
        try:
            return await client.post(
                f"/sso/saml/{self.connection_id}/acs",
                data={"SAMLResponse": encoded(xml), "RelayState": "", "_rebound": "1"},
                headers={"Accept-Language": language},
            )
        finally:
            client.cookies = owner_cookies


async def members_by_email(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    return {m["email"]: m for m in (await client.get("/v1/members")).json()["members"]}


async def audit_entries(client: httpx.AsyncClient, action: str) -> list[dict[str, Any]]:
    reply = await client.get("/v1/audit/entries", params={"action": action, "page_size": 100})
    assert reply.status_code == 200, reply.text
    entries: list[dict[str, Any]] = reply.json()["entries"]
    return entries


def signed_in(response: httpx.Response) -> bool:
    return response.status_code == 200 and SESSION_COOKIE in response.headers.get("set-cookie", "")


async def test_a_newcomer_without_a_free_seat_gets_a_page_naming_it_an_audit_entry_and_no_member(
    tmp_path: Path, nats_server: NatsServer
) -> None:
    async with acme(tmp_path, nats_server, seats=1) as (client, zone):
        idp = await Idp.connect(client, zone, [])
        refused = await idp.sign_in(client, "new@acme.test", [])
        assert refused.status_code == 403, refused.text
        assert "no free seat for you" in refused.text
        assert SESSION_COOKIE not in refused.headers.get("set-cookie", "")
        in_french = await idp.sign_in(client, "new@acme.test", [], language="fr-FR,fr;q=0.9")
        assert in_french.status_code == 403
        assert "plus de siège libre pour vous" in in_french.text

        async def audited() -> list[dict[str, Any]]:
            return await audit_entries(client, "sso.saml.rejected")

        rejections = cast(list[dict[str, Any]], await eventually(audited, timeout=20))
        assert len(rejections) >= 1 and all("no_seat" in json.dumps(entry) for entry in rejections)
        assert "new@acme.test" not in await members_by_email(client)


async def test_a_mapped_role_follows_the_member_at_each_sign_in_and_the_last_owner_keeps_theirs(
    tmp_path: Path, nats_server: NatsServer
) -> None:
    async with acme(tmp_path, nats_server, seats=2) as (client, zone):
        # Billing admins hold no seat.
        idp = await Idp.connect(client, zone, [{"idp_group": "finance", "role": "billing_admin"}])
        assert signed_in(await idp.sign_in(client, "bo@acme.test", ["finance"]))
        assert (await members_by_email(client))["bo@acme.test"]["role"] == "billing_admin"

        # The IdP's group now maps to User admin: Bo's next sign-in gives Bo that role (and the free seat).
        await idp.remap(client, [{"idp_group": "finance", "role": "user_admin"}])
        assert signed_in(await idp.sign_in(client, "bo@acme.test", ["finance"]))
        assert (await members_by_email(client))["bo@acme.test"]["role"] == "user_admin"

        async def role_changes() -> list[dict[str, Any]]:
            return await audit_entries(client, "member.role_changed")

        [change] = cast(list[dict[str, Any]], await eventually(role_changes, timeout=20))
        assert "billing_admin" in json.dumps(change) and "user_admin" in json.dumps(change)
        assert "identity-sso" in json.dumps(change)

        # No mapped role: the connection's default role (member) never replaces the one Bo has.
        await idp.remap(client, [])
        assert signed_in(await idp.sign_in(client, "bo@acme.test", ["finance"]))
        assert (await members_by_email(client))["bo@acme.test"]["role"] == "user_admin"

        # A mapping that would leave Acme without an Owner: the Owner signs in all the same, keeps the role,
        # and the sign-in's audit entry says why the role was not given.
        await idp.remap(client, [{"idp_group": "staff", "role": "member"}])
        assert signed_in(await idp.sign_in(client, OWNER_EMAIL, ["staff"]))
        assert (await members_by_email(client))[OWNER_EMAIL]["role"] == "owner"

        async def refusal() -> list[dict[str, Any]]:
            return [e for e in await audit_entries(client, "sso.sign_in") if "last_owner" in json.dumps(e)]

        assert await eventually(refusal, timeout=20)
        assert len(await role_changes()) == 1
