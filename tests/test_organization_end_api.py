"""An organization's end through the REST API, in process over real gRPC, NATS and SQLite, with the services'
clock moved past the end of a canceled subscription: the organization's API keys stop at once, and the Owner
signs in again to a read-only organization where every change but billing answers ORGANIZATION_ENDED (the
seeds: Talkspirit's and Talkatoo's end of subscription, respond.io's export first)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from gateway.tests import in_process
from gateway.tests.in_process import OWNER_EMAIL, OWNER_PASSWORD, running_services
from services.common.clock import Clock
from services.common.nats_server import NatsServer
from services.common.testing import eventually


class ShiftedClock:
    """The real time, moved forward on demand; every service runs on it (principal tokens are checked against it)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
async def owner_client(
    tmp_path: Path, nats_server: NatsServer, clock: ShiftedClock
) -> AsyncIterator[httpx.AsyncClient]:
    billing_settings = {"renewal_interval_seconds": 0.2}
    clocks: dict[str, Clock] = dict.fromkeys(("identity", "membership", "billing", "audit"), clock)
    async with (
        running_services(tmp_path, nats_server.url, billing_settings, clocks) as running,
        in_process.owner_client(tmp_path, running) as client,
    ):
        yield client


async def test_when_a_canceled_subscription_ends_access_is_cut_and_owners_keep_a_read_only_way_in(
    owner_client: httpx.AsyncClient, clock: ShiftedClock
) -> None:
    client = owner_client
    created = await client.post("/v1/api-keys", json={"name": "sync", "permissions": ["members.read"]})
    assert created.status_code == 201, created.text
    bearer = {"Authorization": f"Bearer {created.json()['secret']}"}
    assert (await client.get("/v1/members", headers=bearer)).status_code == 200
    assert (await client.post("/v1/billing/subscription/cancel")).status_code == 200

    clock.offset = timedelta(days=400)  # past the period's end: billing's renewal worker ends the subscription

    async def key_refused() -> bool:
        # The jump also expires the principal minted before it (401 UNAUTHENTICATED once): wait for the reason.
        reply = await client.get("/v1/members", headers=bearer)
        return reply.status_code == 401 and reply.json()["reason"] == "ORGANIZATION_ENDED"

    await eventually(key_refused, timeout=20)

    client.cookies.clear()
    again = await client.post("/v1/sessions", json={"email": OWNER_EMAIL, "password": OWNER_PASSWORD})
    assert again.status_code == 201, again.text
    client.headers["X-CSRF-Token"] = again.json()["csrf_token"]
    assert (await client.get("/v1/billing/subscription")).json()["subscription"]["status"] == "canceled"
    assert (await client.get("/v1/members")).status_code == 200  # read, to export
    invite = await client.post("/v1/invitations", json={"invitees": [{"email": "new@acme.test"}]})
    assert invite.status_code == 403, invite.text
    assert invite.json()["reason"] == "ORGANIZATION_ENDED"
    assert "billing" in invite.json()["links"]
    renamed = await client.patch("/v1/organization", json={"name": "Acme 2"}, headers={"If-Match": "*"})
    assert renamed.json()["reason"] == "ORGANIZATION_ENDED"
    page = await client.get("/portal")
    assert page.status_code == 200
    assert 'id="organization-ended"' in page.text and 'href="/portal/billing"' in page.text
    assert 'id="data-export-submit"' in page.text  # the data export is offered first

    # The organization may still take all its data away, its plan's entitlements gone or not.
    asked = await client.post("/v1/organization/exports")
    assert asked.status_code == 202, asked.text

    async def archive_ready() -> bool:
        shown = await client.get(f"/v1/organization/exports/{asked.json()['id']}")
        return shown.json()["state"] == "succeeded"

    await eventually(archive_ready, timeout=20)
    archive = await client.get(f"/v1/organization/exports/{asked.json()['id']}/archive")
    assert archive.status_code == 200 and archive.headers["content-type"] == "application/zip", archive.text[:300]
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert {"members.json", "roles.json", "billing/invoices.json", "manifest.json"} <= set(names)
    assert any(name.startswith("audit/organization-audit-log-") for name in names)
