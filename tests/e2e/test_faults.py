"""Fault tests with real processes: NATS down during writes, services killed between commit and publish."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import nats
import pytest

from services.common.messaging import stream_name
from services.suite import Suite
from tests.e2e.conftest import SmtpInbox, create_owner, signed_in_client, start_suite, wait_for


@pytest.fixture
def suite(tmp_path: Path, smtp_inbox: SmtpInbox) -> Iterator[Suite]:
    """Seats for every invitation these tests send (each reserves one in billing)."""
    running = start_suite(tmp_path / "data", smtp_inbox.port, {"TENANTRY_BILLING_DEFAULT_SEATS": "200"})
    yield running
    running.stop()


def invite(client: httpx.Client, email: str, key: str) -> None:
    response = client.post("/v1/invitations", json={"invitees": [{"email": email}]}, headers={"Idempotency-Key": key})
    assert response.status_code in (200, 201), response.text


def audit_count(client: httpx.Client, action: str = "member.invited") -> int:
    total, token = 0, ""
    while True:
        params = {"action": action, "page_size": "200"}
        if token:
            params["page_token"] = token
        page = client.get("/v1/audit/entries", params=params).json()
        total += len(page["entries"])
        token = page.get("next_page_token", "")
        if not token:
            return total


def invited_seats(client: httpx.Client) -> int:
    return int(client.get("/v1/billing/seats").json().get("invited", 0))


def stream_messages(url: str, producer: str) -> int:
    async def count() -> int:
        connection = await nats.connect(url)
        try:
            info = await connection.jetstream().stream_info(stream_name(producer))
            return int(info.state.messages)
        finally:
            await connection.close()

    return asyncio.run(count())


def test_invitations_made_while_nats_is_down_all_reach_audit_and_billing_exactly_once(suite: Suite) -> None:
    with signed_in_client(suite, create_owner(suite)) as client:
        for number in range(100):
            if number == 30:
                suite.stop_nats()
            if number == 70:
                suite.start_nats()
            invite(client, f"person{number}@acme.test", f"invite-{number}")

        wait_for(lambda: audit_count(client) >= 100 and invited_seats(client) >= 100, timeout=90)
        time.sleep(2)  # anything duplicated would show up by now
        assert audit_count(client) == 100
        assert invited_seats(client) == 100


def test_an_event_committed_just_before_a_crash_is_delivered_once_after_restart(suite: Suite) -> None:
    with signed_in_client(suite, create_owner(suite)) as client:
        suite.stop_nats()
        invite(client, "survivor@acme.test", "crash-1")  # committed with its outbox row; not publishable
        suite.kill("membership")
        suite.start_nats()
        suite.start_process("membership")

        wait_for(lambda: audit_count(client) == 1 and invited_seats(client) == 1, timeout=60)
        time.sleep(2)
        assert audit_count(client) == 1


def test_an_event_republished_after_a_crash_before_it_was_marked_sent_is_stored_once(suite: Suite) -> None:
    with signed_in_client(suite, create_owner(suite)) as client:
        invite(client, "twice@acme.test", "republish-1")
        wait_for(lambda: audit_count(client) == 1, timeout=30)
        stored_before = stream_messages(suite.effective_nats_url, "membership")

        suite.kill("membership")
        # As if the process had died after publishing but before marking the row: unmark the newest row.
        with sqlite3.connect(suite.data_dir / "membership.db") as database:
            database.execute(
                "UPDATE outbox SET published_at = NULL WHERE id = (SELECT id FROM outbox ORDER BY id DESC LIMIT 1)"
            )
        suite.start_process("membership")

        def republished() -> bool:
            with sqlite3.connect(suite.data_dir / "membership.db") as database:
                return database.execute("SELECT count(*) FROM outbox WHERE published_at IS NULL").fetchone()[0] == 0

        wait_for(republished, timeout=30)
        assert stream_messages(suite.effective_nats_url, "membership") == stored_before
        time.sleep(1)
        assert audit_count(client) == 1


def test_every_process_drains_and_exits_cleanly_on_sigterm(suite: Suite) -> None:
    for name in ("gateway", "identity", "membership", "billing", "audit"):
        assert suite.stop_process(name, timeout=25) == 0, f"{name} did not exit cleanly; see {suite.data_dir}/logs"


def test_a_restarted_suite_keeps_its_data(suite: Suite) -> None:
    owner = create_owner(suite)
    with signed_in_client(suite, owner) as client:
        invite(client, "kept@acme.test", "keep-1")
    suite.stop()
    suite.start()
    with signed_in_client(suite, owner) as client:
        members = client.get("/v1/members", params={"status": "invited"}).json()["members"]
        assert [m["email"] for m in members] == ["kept@acme.test"]
