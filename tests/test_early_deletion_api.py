"""An Owner deletes the organization early (as respond.io's Owner can), through the REST API with the four services
in process over real gRPC, NATS and SQLite, every service on one moved clock: the Owner must type the exact name and
have signed in recently, an API key cannot do it, the request and its cancellation are audited and emailed to the
Owners, the organization shows the date; once the grace period has passed the existing deletion worker deletes it
and every service deletes its data of it, while another organization keeps everything."""

from __future__ import annotations

import asyncio
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
from tests.test_organization_deletion import (
    KEEPERS,
    SERVICES,
    Suite,
    create_second_organization,
    everything_naming,
    read,
)
from tests.test_organization_end_api import ShiftedClock

GRACE = timedelta(days=14)


@pytest.fixture
async def suite(tmp_path: Path, nats_server: NatsServer) -> AsyncIterator[Suite]:
    clock = ShiftedClock()
    clocks: dict[str, Clock] = dict.fromkeys(SERVICES, clock)
    async with (
        running_services(tmp_path, nats_server.url, None, clocks, {"deletion_pass_seconds": 0.2}) as addresses,
        in_process.owner_client(tmp_path, addresses) as client,
    ):
        yield Suite(client, addresses, tmp_path, clock)


def parsed(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def audited(suite: Suite, organization_id: str, action: str) -> bool:
    sql = "SELECT count(*) FROM audit_entries WHERE organization_id = ? AND action = ?"
    return bool(read(suite.data_dir, "audit", sql, organization_id, action)[0][0])


def deletion_notices(suite: Suite, recipient: str) -> list[bytes]:
    sql = "SELECT message FROM mail_outbox WHERE recipient = ? AND message_id LIKE '%deletion-notice-%'"
    return [bytes(message) for (message,) in read(suite.data_dir, "membership", sql, recipient)]


async def test_a_wrong_name_an_api_key_and_a_stale_sign_in_are_refused_and_nothing_is_scheduled(suite: Suite) -> None:
    client = suite.client
    name = (await client.get("/v1/organization")).json()["organization"]["display_name"]
    assert name == "Acme"

    for typed in ("acme", "Acme Inc", "Beta"):
        wrong = await client.post("/v1/organization/deletion", json={"confirm_name": typed})
        assert wrong.status_code == 400, wrong.text
        assert wrong.headers["content-type"].startswith("application/problem+json")
        assert [error["field"] for error in wrong.json()["errors"]] == ["confirm_name"]
    missing = await client.post("/v1/organization/deletion", json={})
    assert missing.status_code == 422
    assert "confirm_name" in [error["field"] for error in missing.json()["errors"]]

    # An API key is no Owner, whatever it holds: it cannot re-authenticate nor type the name.
    for permissions in (["members.read"], ["members.read", "org.delete"]):
        created = await client.post("/v1/api-keys", json={"name": "ops", "permissions": permissions})
        assert created.status_code == 201, created.text
        bearer = {"Authorization": f"Bearer {created.json()['secret']}"}
        async with httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url)) as program:
            refused = await program.post("/v1/organization/deletion", json={"confirm_name": "Acme"}, headers=bearer)
            assert refused.status_code == 403, refused.text
            assert refused.json()["reason"] == ("MISSING_PERMISSION" if len(permissions) == 1 else "PERSON_REQUIRED")
            assert (await program.delete("/v1/organization/deletion", headers=bearer)).status_code == 403

    # A sign-in older than the privileged window (15 minutes) must be confirmed again first.
    suite.clock.offset = timedelta(minutes=20)

    async def principal_reminted() -> bool:
        """The gateway caches a caller's principal token a few seconds; the next one is minted on the moved clock."""
        return (await client.get("/v1/organization")).status_code == 200

    await eventually(principal_reminted, timeout=10)
    stale = await client.post("/v1/organization/deletion", json={"confirm_name": "Acme"})
    assert stale.status_code == 403, stale.text
    assert stale.json()["reason"] == "REAUTHENTICATION_REQUIRED"
    organization = (await client.get("/v1/organization")).json()["organization"]
    assert organization["requested_deletion_time"] is None
    assert deletion_notices(suite, OWNER_EMAIL) == []

    confirmed = await client.post("/v1/sessions/current/reauthenticate", json={"password": OWNER_PASSWORD})
    assert confirmed.status_code in (200, 201), confirmed.text
    if "csrf_token" in confirmed.json():
        client.headers["X-CSRF-Token"] = confirmed.json()["csrf_token"]
    accepted = await client.post("/v1/organization/deletion", json={"confirm_name": "Acme"})
    assert accepted.status_code == 200, accepted.text


async def test_an_owner_deletes_early_can_cancel_and_after_the_grace_period_every_service_deletes_it(
    suite: Suite,
) -> None:
    client, data_dir = suite.client, suite.data_dir
    acme = (await client.get("/v1/organization")).json()["organization"]["id"]
    assert (await client.post("/v1/groups", json={"name": "Nurses"})).status_code == 201
    ((owner_account,),) = read(data_dir, "identity", "SELECT id FROM accounts WHERE email = ?", OWNER_EMAIL)
    beta = await create_second_organization(suite, str(owner_account))

    def beta_everywhere() -> bool:
        found = everything_naming(data_dir, beta)
        return all(
            table in found[service]
            for service, table in (
                ("membership", "members"),
                ("identity", "memberships"),
                ("billing", "subscriptions"),
                ("audit", "audit_entries"),
            )
        )

    await eventually(beta_everywhere, timeout=20)
    beta_before = everything_naming(data_dir, beta)

    # The request: the organization shows when it goes; audited; the Owner is emailed.
    before = datetime.now(UTC)
    requested = await client.post("/v1/organization/deletion", json={"confirm_name": " Acme "})
    assert requested.status_code == 200, requested.text
    deletion = requested.json()["deletion"]
    assert before + GRACE <= parsed(deletion["requested_deletion_time"]) <= datetime.now(UTC) + GRACE
    assert deletion["deletion_time"] == deletion["requested_deletion_time"]
    assert deletion["requested_by_account_id"] == owner_account
    organization = (await client.get("/v1/organization")).json()["organization"]
    assert organization["requested_deletion_time"] == deletion["requested_deletion_time"]
    await eventually(lambda: audited(suite, acme, "organization.deletion_requested"), timeout=20)
    await eventually(lambda: len(deletion_notices(suite, OWNER_EMAIL)) == 1, timeout=20)
    assert b"will be deleted" in deletion_notices(suite, OWNER_EMAIL)[0]

    # Any Owner cancels it during the grace period: audited and emailed; the organization shows no date.
    canceled = await client.delete("/v1/organization/deletion")
    assert canceled.status_code == 200, canceled.text
    assert canceled.json()["deletion"]["requested_deletion_time"] is None
    assert (await client.get("/v1/organization")).json()["organization"]["requested_deletion_time"] is None
    await eventually(lambda: audited(suite, acme, "organization.deletion_canceled"), timeout=20)
    await eventually(lambda: len(deletion_notices(suite, OWNER_EMAIL)) == 2, timeout=20)

    # Asked again; just before the grace period ends nothing is deleted.
    again = await client.post("/v1/organization/deletion", json={"confirm_name": "Acme"})
    assert again.status_code == 200, again.text
    await eventually(lambda: len(deletion_notices(suite, OWNER_EMAIL)) == 3, timeout=20)
    suite.clock.offset = GRACE - timedelta(minutes=5)
    await asyncio.sleep(1)  # several passes of the deletion worker
    assert read(data_dir, "membership", "SELECT count(*) FROM members WHERE organization_id = ?", acme)[0][0] >= 1
    assert read(data_dir, "membership", "SELECT count(*) FROM deleted_organizations")[0][0] == 0

    # Past it, the existing deletion worker deletes Acme and every service deletes its data of it.
    suite.clock.offset = GRACE + timedelta(minutes=5)

    def acme_gone_everywhere() -> bool:
        found = everything_naming(data_dir, acme)
        return (
            all(set(found[service]) <= KEEPERS[service] for service in SERVICES) and "audit_entries" in found["audit"]
        )

    await eventually(acme_gone_everywhere, timeout=30)
    left = everything_naming(data_dir, acme)
    assert left["membership"] == {"deleted_organizations": 1}
    assert left["identity"] == {}
    kept = read(data_dir, "audit", "SELECT action FROM audit_entries WHERE organization_id = ?", acme)
    assert kept == [("organization.deleted",)]

    beta_after = everything_naming(data_dir, beta)
    for service in SERVICES:
        for table, count in beta_before[service].items():
            assert beta_after[service].get(table, 0) >= count, (service, table)
    assert read(
        data_dir, "identity", "SELECT organization_id FROM memberships WHERE account_id = ?", owner_account
    ) == [(beta,)]
