"""Analytics through the gateway's REST API, with the four services in process over real gRPC, NATS and SQLite:
the Owner's own sign-in makes them active, usage the product reports shows per member and per day, each table
exports as CSV, and a plan without the analytics module is refused."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from gateway.tests import in_process
from gateway.tests.in_process import running_services
from services.billing.domain.catalogue import DEFAULT_CATALOGUE_PATH
from services.common.nats_server import NatsServer
from services.common.testing import eventually


@pytest.fixture
def plan() -> str:
    return "enterprise-yearly"


@pytest.fixture
async def owner_client(tmp_path: Path, nats_server: NatsServer, plan: str) -> AsyncIterator[httpx.AsyncClient]:
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(
        DEFAULT_CATALOGUE_PATH.read_text().replace('default_plan = "team-monthly"', f'default_plan = "{plan}"')
    )
    async with (
        running_services(tmp_path, nats_server.url, {"catalogue_path": catalogue}) as running,
        in_process.owner_client(tmp_path, running) as client,
    ):
        yield client


def rows_of(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


async def test_the_owner_sees_their_own_activity_and_reported_usage(owner_client: httpx.AsyncClient) -> None:
    client = owner_client

    async def owner_active() -> dict[str, object] | None:
        response = await client.get("/v1/analytics/adoption", params={"days": 7})
        body = response.json()
        if response.status_code != 200:
            return None
        # The sign-in (identity), the seat (membership) and the seats bought (billing) reach the roll-ups by three
        # consumers, in any order: wait for all three.
        known = body["active_users_this_week"] == 1 and body["seats_active"] == 1 and body["seats_purchased"] >= 1
        return body if known else None

    adoption = await eventually(owner_active, timeout=30)
    assert isinstance(adoption, dict)
    assert len(adoption["trend"]) == 7  # type: ignore[arg-type]

    (owner,) = rows_of(await client.get("/v1/analytics/members.csv"))
    now = datetime.now(UTC).isoformat()
    event = {"event_id": "e-1", "member_id": owner["member_id"], "metric": "words_dictated", "value": 42}
    reported = await client.post("/v1/analytics/usage", json={"events": [{**event, "occur_time": now}]})
    assert reported.status_code == 200, reported.text
    assert reported.json() == {"accepted": 1, "duplicates": 0}
    again = await client.post("/v1/analytics/usage", json={"events": [{**event, "occur_time": now}]})
    assert again.json() == {"accepted": 0, "duplicates": 1}

    usage = (await client.get("/v1/analytics/usage")).json()["usage"]
    assert [(u["metric"], u["total"], u["members"]) for u in usage] == [("words_dictated", 42, 1)]
    (member,) = (await client.get("/v1/analytics/members")).json()["members"]
    assert member["usage"] == [{"metric": "words_dictated", "total": 42}]
    assert rows_of(await client.get("/v1/analytics/usage.csv"))[0]["total"] == "42"
    assert len(rows_of(await client.get("/v1/analytics/adoption.csv", params={"days": 30}))) == 30
    assert rows_of(await client.get("/v1/analytics/groups.csv")) == []

    bad = await client.post(
        "/v1/analytics/usage", json={"events": [{**event, "event_id": "e-2", "metric": "keys", "occur_time": now}]}
    )
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert "events[0].metric" in bad.text


@pytest.mark.parametrize("plan", ["team-monthly"])
async def test_a_plan_without_the_analytics_module_is_refused(owner_client: httpx.AsyncClient) -> None:
    refused = await owner_client.get("/v1/analytics/adoption")
    assert refused.status_code in (403, 409, 412, 422), refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "analytics" in refused.text
