"""A member's seat is its own switch (the Talkatoo seed: the account holder removes their own dictation licence to free
a seat for someone else), through the REST API with the four services in process over real gRPC, NATS and SQLite:
the Owner gives up their seat and stays Owner, billing frees it, CheckAccess refuses the product's seat-bound modules,
the change is audited, and the last Owner is still kept."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.tests import in_process
from gateway.tests.in_process import OWNER_EMAIL, running_services
from services.common.nats_server import NatsServer
from services.common.testing import eventually

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))
from check_access_client import AccessClient  # noqa: E402


@pytest.fixture
async def acme(tmp_path: Path, nats_server: NatsServer) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    async with (
        running_services(tmp_path, nats_server.url) as running,
        in_process.owner_client(tmp_path, running) as client,
    ):
        yield client, running


async def owner_member(client: httpx.AsyncClient) -> dict[str, Any]:
    [me] = (await client.get("/v1/members", params={"email": OWNER_EMAIL})).json()["members"]
    return dict(me)


async def test_an_owner_gives_up_their_own_seat_to_free_a_licence_and_stays_owner(
    acme: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    client, addresses = acme
    organization_id = (await client.get("/v1/organization")).json()["organization"]["id"]
    me = await owner_member(client)
    assert (me["role"], me["uses_seat"]) == ("owner", True)
    in_use_before = (await client.get("/v1/billing/seats")).json()["in_use"]
    assert in_use_before >= 1
    service = await client.post("/v1/service-accounts", json={"name": "Dictation", "permissions": ["members.read"]})
    assert service.status_code == 201, service.text
    access = AccessClient(addresses["identity_address"], addresses["membership_address"], service.json()["secret"])
    try:
        # Billing's entitlements reach membership through an event: until then nothing is entitled.
        await eventually(lambda: _allowed(access, organization_id, me["id"], "dictation"), timeout=15)

        given_up = await client.put(f"/v1/members/{me['id']}/seat", json={"uses_seat": False})
        assert given_up.status_code == 200, given_up.text
        assert (given_up.json()["member"]["role"], given_up.json()["member"]["uses_seat"]) == ("owner", False)
        # A change of one's own permissions rotates the session (and its CSRF token): sign in again, as a script would.
        await in_process.sign_in_owner(client)

        async def seat_freed() -> bool:
            return bool((await client.get("/v1/billing/seats")).json()["in_use"] == in_use_before - 1)

        await eventually(seat_freed, timeout=15)

        async def refused() -> str:
            decision = await access.check(organization_id, me["id"], "dictation")
            return "" if decision.allowed else decision.reason

        # CheckAccess answers from a short cache: correct within 5 s of a change.
        assert await eventually(refused, timeout=5) == "NO_SEAT"
    finally:
        await access.close()

    # Still Owner in the admin plane: the freed seat goes to someone else (a seat is granted by one who holds none).
    async def invited() -> httpx.Response | None:
        reply = await client.post("/v1/invitations", json={"invitees": [{"email": "dictates@acme.test"}]})
        return reply if reply.status_code in (200, 201) else None

    invitation = await eventually(invited, timeout=10)
    assert isinstance(invitation, httpx.Response)
    assert invitation.json()["results"][0]["error"] is None, invitation.text
    assert (await client.get("/v1/security-policy")).status_code == 200
    # The rule "at least one Owner" stays.
    demoted = await client.patch(f"/v1/members/{me['id']}", json={"role": "member"}, headers={"If-Match": "*"})
    assert (demoted.status_code, demoted.json()["reason"]) == (409, "LAST_OWNER"), demoted.text

    async def audited() -> list[dict[str, Any]]:
        entries = (await client.get("/v1/audit/entries", params={"action": "member.seat_changed"})).json()
        return list(entries.get("entries", []))

    found = await eventually(audited, timeout=15)
    assert isinstance(found, list) and len(found) == 1, found
    assert (found[0]["target_type"], found[0]["target_id"]) == ("member", me["id"]), found

    # Taking it back holds a seat again.
    back = await client.put(f"/v1/members/{me['id']}/seat", json={"uses_seat": True})
    assert back.status_code == 200 and back.json()["member"]["uses_seat"], back.text


async def _allowed(access: AccessClient, organization_id: str, member_id: str, module: str) -> bool:
    return (await access.check(organization_id, member_id, module)).allowed


async def test_the_seat_switch_needs_the_right_to_manage_roles_and_a_known_member(
    acme: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    client, _ = acme
    missing = await client.put("/v1/members/01a20000-0000-7000-8000-00000000abcd/seat", json={"uses_seat": False})
    assert missing.status_code == 404, missing.text
    bad = await client.put(f"/v1/members/{(await owner_member(client))['id']}/seat", json={"uses_seat": "maybe"})
    assert bad.status_code in (400, 422) and "uses_seat" in bad.text, bad.text
