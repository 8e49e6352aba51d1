"""Seats cannot be oversold, through real processes: 200 invitations race for 50 free seats."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.suite import Suite
from tests.e2e.conftest import SmtpInbox, create_owner, signed_in_client, start_suite, wait_for

SEATS = 51  # the Owner holds one
INVITATIONS = 200


@pytest.fixture
def suite_with_seats(tmp_path: Path, smtp_inbox: SmtpInbox) -> Iterator[Suite]:
    running = start_suite(tmp_path / "data", smtp_inbox.port, {"TENANTRY_BILLING_DEFAULT_SEATS": str(SEATS)})
    yield running
    running.stop()


async def invite_all(client: httpx.Client, count: int) -> list[dict]:
    async with httpx.AsyncClient(
        base_url=str(client.base_url), headers=dict(client.headers), cookies=client.cookies, timeout=60
    ) as racer:

        async def invite(n: int) -> dict:
            reply = await racer.post("/v1/invitations", json={"invitees": [{"email": f"p{n}@acme.test"}]})
            assert reply.status_code == 200, reply.text
            return reply.json()["results"][0]

        return await asyncio.gather(*(invite(n) for n in range(count)))


def test_two_hundred_concurrent_invitations_for_fifty_free_seats_give_exactly_fifty(
    suite_with_seats: Suite, smtp_inbox: SmtpInbox
) -> None:
    owner = create_owner(suite_with_seats)
    with signed_in_client(suite_with_seats, owner) as client:
        # Billing learns of the organization from an event; wait until it counts the Owner's seat.
        wait_for(lambda: client.get("/v1/billing/seats").json().get("in_use") == 1)
        results = asyncio.run(invite_all(client, INVITATIONS))
        outcomes = Counter((r["error"] or {}).get("reason", "INVITED") for r in results)
        assert outcomes == {"INVITED": SEATS - 1, "NO_SEATS_AVAILABLE": INVITATIONS - SEATS + 1}, outcomes

        # Membership and billing agree: 50 pending invitations hold the 50 seats, none is left.
        organization = client.get("/v1/organization").json()["organization"]
        assert organization["member_counts"]["invited"] == SEATS - 1

        def seats_settled() -> dict | None:
            seats = client.get("/v1/billing/seats").json()
            return seats if seats["invited"] == SEATS - 1 else None

        seats = wait_for(seats_settled, timeout=20)
        assert (seats["in_use"], seats["available"]) == (SEATS, 0)
        # A retry of a refused invitation is still refused; removing one invitation frees exactly one seat.
        again = client.post("/v1/invitations", json={"invitees": [{"email": "late@acme.test"}]}).json()
        assert again["results"][0]["error"]["reason"] == "NO_SEATS_AVAILABLE"
        invited = next(r["member"] for r in results if r["member"])
        assert client.delete(f"/v1/members/{invited['id']}").status_code == 204
        wait_for(lambda: client.get("/v1/billing/seats").json()["available"] == 1, timeout=20)
        last = client.post("/v1/invitations", json={"invitees": [{"email": "late@acme.test"}]}).json()
        assert last["results"][0]["error"] is None
