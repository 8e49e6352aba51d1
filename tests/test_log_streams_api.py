"""Through the gateway's REST API, in process over real gRPC, NATS and SQLite: the Owner streams the organization's
audit log to a local SIEM receiver, reads its delivery state, pauses it, and the plan bounds how many there are."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gateway.tests import in_process
from gateway.tests.in_process import running_services
from services.audit.domain.log_stream_formats import SPLUNK_HEC
from services.audit.domain.log_streams import verify_signature
from services.audit.tests.siem_receiver import Receiver, running_receiver
from services.common.nats_server import NatsServer
from services.common.testing import eventually


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as running:
        yield running


@pytest.fixture
async def owner_client(
    tmp_path: Path, nats_server: NatsServer, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("TENANTRY_AUDIT_LOG_STREAM_PASS_SECONDS", "0.2")
    monkeypatch.setenv("TENANTRY_AUDIT_LOG_STREAM_ALLOWED_NETWORKS", "127.0.0.0/8")  # the local receiver
    async with (
        running_services(tmp_path, nats_server.url) as running,
        in_process.owner_client(tmp_path, running) as client,
    ):
        yield client


async def test_the_owner_streams_the_log_to_a_siem_and_reads_how_delivery_goes(
    owner_client: httpx.AsyncClient, receiver: Receiver
) -> None:
    created = await owner_client.post("/v1/audit/log-streams", json={"name": "SIEM", "url": receiver.url})
    assert created.status_code == 201, created.text
    secret = created.json()["signing_secret"]
    stream = created.json()["log_stream"]
    assert stream["status"] == "active" and "signing_secret" not in stream

    async def delivered() -> bool:
        return any(event["action"] == "log_stream.created" for event in receiver.kept)

    await eventually(delivered, timeout=20)
    assert all(verify_signature(secret, header, body) for header, body in receiver.requests)
    sequences = receiver.sequences()
    assert sequences == sorted(sequences)

    paused = await owner_client.post(f"/v1/audit/log-streams/{stream['id']}/pause")
    assert paused.status_code == 200, paused.text
    assert paused.json()["status"] == "paused"
    listed = (await owner_client.get("/v1/audit/log-streams")).json()["log_streams"]
    assert [item["id"] for item in listed] == [stream["id"]]
    assert listed[0]["lag"] >= 1 and listed[0]["last_delivery_time"] is not None

    renamed = await owner_client.patch(f"/v1/audit/log-streams/{stream['id']}", json={"name": "Splunk"})
    assert renamed.json()["name"] == "Splunk"
    assert (await owner_client.delete(f"/v1/audit/log-streams/{stream['id']}")).status_code == 204
    assert (await owner_client.get(f"/v1/audit/log-streams/{stream['id']}")).status_code == 404


async def test_an_insecure_url_and_a_stream_past_the_plan_are_refused(
    owner_client: httpx.AsyncClient, receiver: Receiver
) -> None:
    insecure = await owner_client.post("/v1/audit/log-streams", json={"name": "x", "url": "http://siem.example.com"})
    assert insecure.status_code == 400, insecure.text
    first = await owner_client.post("/v1/audit/log-streams", json={"name": "first", "url": receiver.url})
    assert first.status_code == 201, first.text

    async def over_the_plan_refused() -> bool:
        # The plan allows one stream; its entitlements reach the audit service asynchronously.
        answer = await owner_client.post("/v1/audit/log-streams", json={"name": "second", "url": receiver.url})
        if answer.status_code == 201:
            await owner_client.delete(f"/v1/audit/log-streams/{answer.json()['log_stream']['id']}")
        return answer.status_code == 409 and answer.json().get("reason") == "LIMIT_REACHED"

    await eventually(over_the_plan_refused, timeout=15)


async def test_the_owner_streams_to_splunk_and_rotates_the_signing_secret_with_an_overlap(
    owner_client: httpx.AsyncClient, receiver: Receiver
) -> None:
    token = "11111111-2222-3333-4444-555555555555"
    receiver.format, receiver.credential = SPLUNK_HEC, ("authorization", f"Splunk {token}")
    created = await owner_client.post(
        "/v1/audit/log-streams",
        json={"name": "Splunk", "url": receiver.url, "format": "splunk_hec", "destination_token": token},
    )
    assert created.status_code == 201, created.text
    stream, old = created.json()["log_stream"], created.json()["signing_secret"]
    assert stream["format"] == "splunk_hec" and token not in created.text

    rotated = await owner_client.post(
        f"/v1/audit/log-streams/{stream['id']}/rotate-secret", json={"overlap_seconds": 3600}
    )
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["signing_secret"]
    assert new != old and rotated.json()["log_stream"]["previous_secret_expire_time"] is not None
    assert "signing_secret" not in (await owner_client.get(f"/v1/audit/log-streams/{stream['id']}")).text

    async def rotation_delivered() -> bool:
        return any(event["action"] == "log_stream.secret_rotated" for event in receiver.kept)

    await eventually(rotation_delivered, timeout=20)
    header, body = receiver.requests[-1]
    assert verify_signature(new, header, body) and verify_signature(old, header, body)
    assert token not in body.decode() and new not in body.decode()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "url": "https://splunk.example.com/services/collector/event", "format": "splunk_hec"}, None),
        ({"name": "x", "url": "https://siem.example.com/hook", "format": "syslog"}, "format"),
    ],
)
async def test_a_stream_without_the_token_its_format_needs_is_refused_naming_the_field(
    owner_client: httpx.AsyncClient, body: dict[str, str], field: str | None
) -> None:
    answer = await owner_client.post("/v1/audit/log-streams", json=body)
    assert answer.status_code in (400, 422), answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert (field or "destination_token") in answer.text
    assert (await owner_client.get("/v1/audit/log-streams")).json()["log_streams"] == []


async def test_a_rotation_overlap_past_seven_days_is_refused(
    owner_client: httpx.AsyncClient, receiver: Receiver
) -> None:
    created = await owner_client.post("/v1/audit/log-streams", json={"name": "SIEM", "url": receiver.url})
    path = f"/v1/audit/log-streams/{created.json()['log_stream']['id']}/rotate-secret"
    answer = await owner_client.post(path, json={"overlap_seconds": 604801})
    assert answer.status_code == 422 and "overlap_seconds" in answer.text
    default = await owner_client.post(path)
    assert default.status_code == 200, default.text
