"""Hostile input over a real uvicorn socket: each is refused, and the next request on the same keep-alive
connection is answered normally."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from gateway.main import create_app
from gateway.settings import GatewaySettings
from gateway.tests.hostile import NESTING
from gateway.tests.in_process import OWNER_EMAIL, OWNER_PASSWORD
from services.common.nats_server import free_port


@pytest.fixture
async def gateway_url(tmp_path: Path, addresses: dict[str, str]) -> AsyncIterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = create_app(GatewaySettings.model_validate({**addresses, "public_url": url, "data_dir": tmp_path}))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    yield url
    server.should_exit = True
    await serving


def local_port(response: httpx.Response) -> int:
    """The client-side port of the connection that carried the response."""
    stream = response.extensions["network_stream"]
    return int(stream.get_extra_info("socket").getsockname()[1])


async def test_after_each_hostile_request_the_same_connection_serves_the_next_request(gateway_url: str) -> None:
    deep = b'{"invitees": ' + b"[" * NESTING + b"]" * NESTING + b"}"
    hostile: list[tuple[str, str, dict[str, object]]] = [
        ("POST", "/v1/invitations", {"content": deep}),
        ("POST", "/v1/invitations", {"json": {"invitees": [{"email": "a@acme.test", "group_ids": "g"}]}}),
        ("PATCH", "/v1/organization", {"json": {"display_name": "n" * 1_000_000}}),
        ("PATCH", "/v1/organization", {"json": {"display_name": {"an": "object"}}}),
        ("PATCH", "/v1/organization", {"json": {"display_name": "n" * 2_000_000}}),
        ("PATCH", "/v1/security-policy", {"json": {"session_idle_timeout_seconds": 2**64}}),
        ("GET", "/v1/members", {"params": {"page_size": 2**64}}),
        ("POST", "/v1/roles", {"content": b'{"key": '}),
    ]
    headers = {"Origin": gateway_url, "Content-Type": "application/json"}
    with httpx.Client(base_url=gateway_url, headers=headers, timeout=30) as client:
        signed_in = await asyncio.to_thread(
            client.post, "/v1/sessions", json={"email": OWNER_EMAIL, "password": OWNER_PASSWORD}
        )
        assert signed_in.status_code == 201, signed_in.text
        client.headers["X-CSRF-Token"] = signed_in.json()["csrf_token"]
        connection = local_port(signed_in)
        for method, path, arguments in hostile:
            refused = await asyncio.to_thread(client.request, method, path, **arguments)  # type: ignore[arg-type]
            assert 400 <= refused.status_code < 500, (path, refused.status_code, refused.text[:300])
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["errors"], refused.text
            following = await asyncio.to_thread(client.get, "/v1/organization")
            assert following.status_code == 200, following.text
            assert local_port(refused) == local_port(following) == connection, path
        assert (await asyncio.to_thread(client.get, "/v1/organization")).json()["organization"][
            "display_name"
        ] == "Acme"
