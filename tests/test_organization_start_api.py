"""Read-your-writes at an organization's start (issue 16), with the four services in process over real gRPC, NATS and
SQLite: an operator creates an organization (`tenantry org create`'s code), its Owner signs in at once and invites
someone. Identity's projection of membership's events may not have caught up yet; identity then asks membership, so
the session and the principal carry the organization and the invitation is never "No such organization."."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gateway.main import create_app
from gateway.settings import GatewaySettings
from gateway.tests.in_process import running_services
from services.cli import create_organization
from services.common.nats_server import NatsServer
from services.common.runtime import ServiceRuntime
from services.identity.events.consume import MEMBERSHIPS_CONSUMER

PASSWORD = "correct horse battery staple"
RUNS = 100


@dataclass
class Platform:
    data_dir: Path
    addresses: dict[str, str]
    runtimes: dict[str, ServiceRuntime]
    gateway: httpx.AsyncClient


@pytest.fixture
async def platform(tmp_path: Path, nats_server: NatsServer) -> AsyncIterator[Platform]:
    runtimes: dict[str, ServiceRuntime] = {}
    async with running_services(tmp_path, nats_server.url, started=runtimes) as addresses:
        settings = {**addresses, "public_url": "http://testserver", "data_dir": tmp_path}
        app = create_app(GatewaySettings.model_validate(settings))
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://testserver",
                headers={"Origin": "http://testserver"},
            ) as gateway,
        ):
            yield Platform(tmp_path, addresses, runtimes, gateway)


async def start_an_organization_and_invite(platform: Platform, run: int) -> tuple[float, httpx.Response]:
    """Create an organization, sign its Owner in and invite someone, as a script would: no wait anywhere."""
    owner_email = f"owner-{run}@start{run}.test"
    created = await create_organization(
        data_dir=platform.data_dir,
        name=f"Start {run}",
        owner_email=owner_email,
        owner_password=PASSWORD,
        identity_address=platform.addresses["identity_address"],
        membership_address=platform.addresses["membership_address"],
    )
    started = time.monotonic()
    platform.gateway.cookies.clear()
    signed_in = await platform.gateway.post("/v1/sessions", json={"email": owner_email, "password": PASSWORD})
    assert signed_in.status_code == 201, signed_in.text
    csrf = {"X-CSRF-Token": signed_in.json()["csrf_token"]}
    invited = await platform.gateway.post(
        "/v1/invitations", json={"invitees": [{"email": f"first-{run}@start{run}.test"}]}, headers=csrf
    )
    organization = await platform.gateway.get("/v1/organization")
    assert organization.json()["organization"]["id"] == created["organization_id"], organization.text
    return time.monotonic() - started, invited


async def test_an_owner_signs_in_and_invites_at_once_after_org_create_a_hundred_times_in_a_row(
    platform: Platform,
) -> None:
    for run in range(RUNS):
        _, invited = await start_an_organization_and_invite(platform, run)
        assert invited.status_code in (200, 201), (run, invited.text)
        assert invited.json()["results"][0]["error"] is None, (run, invited.text)


async def test_a_new_owner_is_signed_in_to_their_organization_even_before_identity_hears_of_it(
    platform: Platform,
) -> None:
    """The projection stopped altogether: the session and the principal come from membership's own word."""
    [consumer] = [c for c in platform.runtimes["identity"].consumers if c.name == MEMBERSHIPS_CONSUMER]
    await consumer.stop()
    elapsed, invited = await start_an_organization_and_invite(platform, RUNS)
    assert invited.status_code in (200, 201), invited.text
    assert invited.json()["results"][0]["error"] is None, invited.text
    assert elapsed < 10
