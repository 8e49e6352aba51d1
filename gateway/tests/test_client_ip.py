"""The client IP behind trusted proxies: X-Forwarded-For is believed only from a configured proxy, read from the
right, and what it gives is what sessions and audit entries record (and what identity's per-IP limiter counts)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from gateway.main import create_app
from gateway.proxies import client_address, parse_networks
from gateway.settings import GatewaySettings
from gateway.tests.in_process import sign_in_owner
from services.common.testing import eventually

PROXIES = parse_networks("10.0.0.0/8, 127.0.0.1")


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() -> None:
    assert client_address("198.51.100.4", ["203.0.113.9"], []) == "198.51.100.4"
    assert client_address("10.1.2.3", ["203.0.113.9"], []) == "10.1.2.3"


def test_behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() -> None:
    # The client claimed 1.2.3.4 itself; the ingress (10.0.0.5) saw 203.0.113.9 and an inner proxy saw 10.0.0.5.
    assert client_address("10.0.0.7", ["1.2.3.4, 203.0.113.9", "10.0.0.5"], PROXIES) == "203.0.113.9"


def test_a_header_from_an_untrusted_peer_is_ignored() -> None:
    assert client_address("198.51.100.4", ["203.0.113.9"], PROXIES) == "198.51.100.4"


def test_garbage_in_the_header_falls_back_to_the_last_address_a_proxy_vouched_for() -> None:
    assert client_address("10.0.0.7", ["not-an-ip, 10.0.0.5"], PROXIES) == "10.0.0.5"
    assert client_address("10.0.0.7", [], PROXIES) == "10.0.0.7"


def test_a_bad_proxy_setting_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="trusted_proxies"):
        GatewaySettings(trusted_proxies="10.0.0.0/8, ingress")


async def test_sessions_and_audit_record_the_forwarded_client_only_behind_a_trusted_proxy(
    tmp_path: Path, addresses: dict[str, str]
) -> None:
    async def recorded_ips(trusted_proxies: str, invitee: str) -> tuple[str, str]:
        """The IP the new session and the audit entry of an invitation record."""
        settings = {**addresses, "public_url": "http://testserver", "data_dir": tmp_path}
        app = create_app(GatewaySettings.model_validate({**settings, "trusted_proxies": trusted_proxies}))
        # httpx's ASGI transport connects from 127.0.0.1, standing in for the ingress.
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://testserver",
                headers={"Origin": "http://testserver", "X-Forwarded-For": "203.0.113.77"},
            ) as client,
        ):

            async def signed_in_to_the_organization() -> bool:
                # The Owner's membership reaches identity through an event; until then a session has no organization.
                await sign_in_owner(client)
                return bool((await client.get("/v1/sessions")).json()["sessions"])

            await eventually(signed_in_to_the_organization, timeout=20)
            sessions = (await client.get("/v1/sessions")).json()["sessions"]
            session_ip = next(session["ip_address"] for session in sessions if session["current"])
            invited = await client.post(
                "/v1/invitations", json={"invitees": [{"email": invitee}]}, headers={"Idempotency-Key": invitee}
            )
            assert invited.status_code in (200, 201), invited.text

            async def audited_ip() -> str:
                page = (await client.get("/v1/audit/entries", params={"action": "member.invited"})).json()
                entries = [entry for entry in page.get("entries", []) if invitee in str(entry)]
                return str(entries[0]["actor"]["ip_address"]) if entries else ""

            return session_ip, str(await eventually(audited_ip, timeout=20))

    assert await recorded_ips("127.0.0.1/32", "via-proxy@acme.test") == ("203.0.113.77", "203.0.113.77")
    assert await recorded_ips("", "direct@acme.test") == ("127.0.0.1", "127.0.0.1")
