"""Through the gateway's REST API, in process over real gRPC, NATS and SQLite: a member locked out after failed
sign-ins shows up in their organization's audit log, and the Owner sets the log's retention within the plan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gateway.tests import in_process
from gateway.tests.in_process import OWNER_EMAIL, running_services
from services.common.nats_server import NatsServer
from services.common.testing import eventually

ATTACKER_AGENT = "credential-stuffer/1.0"


@pytest.fixture
async def owner_client(tmp_path: Path, nats_server: NatsServer) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        running_services(tmp_path, nats_server.url) as running,
        in_process.owner_client(tmp_path, running) as client,
    ):
        yield client


async def test_a_member_locked_out_after_failed_sign_ins_shows_up_in_the_organization_log(
    owner_client: httpx.AsyncClient,
) -> None:
    attacker = httpx.AsyncClient(
        transport=owner_client._transport,
        base_url="http://testserver",
        headers={"Origin": "http://testserver", "User-Agent": ATTACKER_AGENT},
    )
    async with attacker:

        async def locked_out_in_the_log() -> bool:
            await attacker.post("/v1/sessions", json={"email": OWNER_EMAIL, "password": "wrong password"})
            page = await owner_client.get("/v1/audit/entries", params={"action": "login.locked"})
            return bool(page.json()["entries"])

        await eventually(locked_out_in_the_log, timeout=20, interval=0.3)
    failures = (await owner_client.get("/v1/audit/entries", params={"action": "sign_in.failed"})).json()["entries"]
    assert failures, "the failed sign-ins before the lockout are in the log too"
    lockout = (await owner_client.get("/v1/audit/entries", params={"action": "login.locked"})).json()["entries"][0]
    assert lockout["actor"]["user_agent"] == ATTACKER_AGENT
    assert lockout["target_display"] == OWNER_EMAIL


async def test_the_owner_sets_retention_within_the_plan(owner_client: httpx.AsyncClient) -> None:
    unset = (await owner_client.get("/v1/audit/retention")).json()
    assert (unset["configured"], unset["days"]) == (False, 365)
    updated = await owner_client.put("/v1/audit/retention", json={"days": 60})
    assert updated.status_code == 200, updated.text
    assert (await owner_client.get("/v1/audit/retention")).json()["days"] == 60
    assert (await owner_client.put("/v1/audit/retention", json={"days": 7})).status_code == 422

    async def over_the_plan_refused() -> bool:
        # The trial plan keeps 90 days; its entitlements reach the audit service asynchronously.
        answer = await owner_client.put("/v1/audit/retention", json={"days": 120})
        return answer.status_code == 409 and answer.json().get("reason") == "LIMIT_REACHED"

    await eventually(over_the_plan_refused, timeout=15)
