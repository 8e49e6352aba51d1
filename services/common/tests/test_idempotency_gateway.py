"""Idempotency-Key through the REST API: the four services and the gateway in process (the suite of
tests/test_billing_api.py), over real gRPC, NATS and SQLite."""

from __future__ import annotations

import httpx

from tests.test_billing_api import addresses, owner_client, trial_days  # noqa: F401 - the in-process suite


async def test_a_change_sent_again_with_its_idempotency_key_is_answered_once(
    owner_client: httpx.AsyncClient,  # noqa: F811
) -> None:
    client = owner_client
    key = {"Idempotency-Key": "create-platform"}
    created = await client.post("/v1/groups", json={"name": "Platform"}, headers=key)
    assert created.status_code == 201, created.text
    retry = await client.post("/v1/groups", json={"name": "Platform"}, headers=key)
    assert (retry.status_code, retry.json()) == (201, created.json())

    reused = await client.post("/v1/groups", json={"name": "Design"}, headers=key)
    assert (reused.status_code, reused.headers["content-type"]) == (422, "application/problem+json")
    assert reused.json()["reason"] == "IDEMPOTENCY_KEY_REUSED"

    # DeleteGroup has no request id of its own: the key alone makes the retry succeed instead of 404.
    group_path = f"/v1/groups/{created.json()['group']['id']}"
    delete_key = {"Idempotency-Key": "delete-platform"}
    assert (await client.delete(group_path, headers=delete_key)).status_code == 204
    assert (await client.delete(group_path, headers=delete_key)).status_code == 204
    assert (await client.delete(group_path)).status_code == 404
    groups = (await client.get("/v1/groups")).json()["groups"]
    assert [group["name"] for group in groups] == []


async def test_a_request_id_only_correlates_and_never_replays(
    owner_client: httpx.AsyncClient,  # noqa: F811
) -> None:
    client = owner_client
    group_path = f"/v1/groups/{(await client.post('/v1/groups', json={'name': 'Platform'})).json()['group']['id']}"
    correlation = {"X-Request-Id": "trace-1"}
    assert (await client.delete(group_path, headers=correlation)).status_code == 204
    assert (await client.delete(group_path, headers=correlation)).status_code == 404  # the call ran again


async def test_buying_seats_with_a_key_coexists_with_billings_own_replay_by_request_id(
    owner_client: httpx.AsyncClient,  # noqa: F811
) -> None:
    client = owner_client
    key = {"Idempotency-Key": "buy-two"}
    bought = await client.post("/v1/billing/subscription/seats", json={"seats": 12}, headers=key)
    assert bought.status_code == 200, bought.text
    retry = await client.post("/v1/billing/subscription/seats", json={"seats": 12}, headers=key)
    assert retry.json() == bought.json()
    reused = await client.post("/v1/billing/subscription/seats", json={"seats": 13}, headers=key)
    assert (reused.status_code, reused.json()["reason"]) == (422, "IDEMPOTENCY_KEY_REUSED")
    more = await client.post("/v1/billing/subscription/seats", json={"seats": 13}, headers={"Idempotency-Key": "one"})
    assert more.json()["subscription"]["seats_purchased"] == 13
