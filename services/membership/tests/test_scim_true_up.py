"""Automatic seat purchase (true-up) through a real billing, membership and billing in process against a real
nats-server and database (SQLite and PostgreSQL): a SCIM create that finds no free seat buys one within the
organization's cap, beyond it is refused with nothing written, concurrent creates never overshoot the cap, and
each purchase or refusal is published with the SCIM token as actor."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import grpc
import pytest
from sqlalchemy import select
from tenantry.billing.v1 import billing_service_pb2 as billing_pb
from tenantry.common.v1 import common_pb2
from tenantry.events.v1 import envelope_pb2
from tenantry.membership.v1 import provisioning_service_pb2 as prov_pb
from tenantry.membership.v1 import scim_hold_service_pb2 as hold_pb

from services.common.db import Database
from services.common.grpc_server import error_reason
from services.common.nats_server import NatsServer
from services.common.principal import ACTOR_SCIM, Principal
from services.common.testing import eventually
from services.membership.store.tables import messaging
from services.membership.tests.test_provisioning import Suite, _suite

SCIM_PERMISSIONS = frozenset(
    {"members.read", "members.invite", "members.remove", "members.manage_roles", "groups.manage", "seats.true_up"}
)
OWNER_PERMISSIONS = frozenset({"members.read", "members.invite", "billing.read", "security.manage", "seat.use"})


class TrueUp:
    def __init__(self, suite: Suite, database_url: str, mail_dir: Path):
        self.suite = suite
        self.database_url = database_url
        # Where membership writes mail without SMTP (its data dir's "mail").
        self.mail_dir = mail_dir
        self.holds = suite.scim_holds

    def scim(self) -> tuple[tuple[str, str], ...]:
        return self.suite.as_(
            Principal(
                actor_type=ACTOR_SCIM,
                actor_id="scim-token-1",
                organization_id=self.suite.organization_id,
                permissions=SCIM_PERMISSIONS,
            )
        )

    def owner(self) -> tuple[tuple[str, str], ...]:
        return self.suite.as_(
            Principal(
                actor_type="user",
                actor_id="acc-owner",
                account_id="acc-owner",
                organization_id=self.suite.organization_id,
                permissions=OWNER_PERMISSIONS,
            )
        )

    async def allow(self, max_seats: int, auto: bool = True) -> None:
        await self.holds.SetScimProvisioningSettings(
            hold_pb.SetScimProvisioningSettingsRequest(
                organization_id=self.suite.organization_id,
                settings=hold_pb.ScimProvisioningSettings(auto_purchase_seats=auto, max_seats=max_seats),
            ),
            metadata=self.owner(),
        )

    async def create(self, user_name: str) -> str | None:
        """The new user's id, or the refusal's reason."""
        try:
            reply = await self.suite.provisioning.CreateScimUser(
                prov_pb.CreateScimUserRequest(
                    organization_id=self.suite.organization_id,
                    user_json=json.dumps({"userName": user_name}),
                ),
                metadata=self.scim(),
            )
        except grpc.aio.AioRpcError as refused:
            assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION, refused.details()
            return error_reason(refused)
        return str(reply.user.id)

    async def seats(self) -> tuple[int, int]:
        """(purchased, in use)."""
        usage = await self.suite.billing.GetSeatUsage(
            billing_pb.GetSeatUsageRequest(organization_id=self.suite.organization_id), metadata=self.owner()
        )
        return int(usage.seat_usage.purchased), int(usage.seat_usage.in_use)

    async def true_up_events(self) -> list[tuple[str, envelope_pb2.Envelope]]:
        db = Database(self.database_url)
        try:
            async with db.read() as connection:
                rows = await connection.execute(
                    select(messaging.outbox.c.subject, messaging.outbox.c.payload)
                    .where(messaging.outbox.c.subject.like("tenantry.membership.scim_true_up.%"))
                    .order_by(messaging.outbox.c.id)
                )
                return [(subject, envelope_pb2.Envelope.FromString(payload)) for subject, payload in rows]
        finally:
            await db.dispose()


@pytest.fixture
async def true_up(
    tmp_path: Path,
    database_url: str,
    nats_server: NatsServer,
    principal_keys: tuple[str, str],
    mint: Callable[[Principal], str],
) -> AsyncIterator[TrueUp]:
    """Two seats: the Owner's (counted by billing already) and one more."""
    async for running in _suite(2, tmp_path, database_url, nats_server, principal_keys, mint):
        yield TrueUp(running, database_url, tmp_path / "mail")


async def test_scim_buys_seats_up_to_the_cap_and_beyond_it_refuses_with_nothing_written(true_up: TrueUp) -> None:
    await true_up.allow(max_seats=4)
    created = [await true_up.create(f"u{n}@acme.test") for n in range(3)]
    assert all(c is not None and c != "NO_SEATS_AVAILABLE" for c in created)
    assert await true_up.seats() == (4, 4)

    assert await true_up.create("u3@acme.test") == "NO_SEATS_AVAILABLE"
    assert await true_up.seats() == (4, 4)
    assert sorted(m.email for m in await true_up.suite.members()) == [
        "o@acme.test",
        "u0@acme.test",
        "u1@acme.test",
        "u2@acme.test",
    ]
    events = (await true_up.true_up_events())[:3]
    assert [subject.rsplit(".", 1)[1] for subject, _ in events] == ["seat_purchased", "seat_purchased", "cap_reached"]
    assert {(e.actor.type, e.actor.id) for _, e in events} == {(common_pb2.ACTOR_TYPE_SCIM, "scim-token-1")}
    # The Owner is told, once an hour however many requests are refused.
    assert await true_up.create("u4@acme.test") == "NO_SEATS_AVAILABLE"
    notices = await eventually(functools.partial(_seat_notices, true_up))
    assert isinstance(notices, list) and len(notices) == 1
    assert "To: o@acme.test" in notices[0] and "cap of 4 seats" in notices[0]


async def test_without_automatic_purchase_no_seat_is_bought_and_the_refusal_is_published(true_up: TrueUp) -> None:
    await true_up.allow(max_seats=10, auto=False)
    assert await true_up.create("u0@acme.test") not in (None, "NO_SEATS_AVAILABLE")
    assert await true_up.create("u1@acme.test") == "NO_SEATS_AVAILABLE"
    assert await true_up.seats() == (2, 2)
    # The refusal is published for the audit log all the same.
    assert [s.rsplit(".", 1)[1] for s, _ in await true_up.true_up_events()] == ["no_seat"]
    notices = await eventually(functools.partial(_seat_notices, true_up))
    assert isinstance(notices, list) and "automatic seat purchase is off" in notices[0]


async def test_concurrent_creates_never_buy_past_the_cap(true_up: TrueUp) -> None:
    await true_up.allow(max_seats=5)
    outcomes = await asyncio.gather(*(true_up.create(f"c{n}@acme.test") for n in range(8)))
    refused = [o for o in outcomes if o == "NO_SEATS_AVAILABLE"]
    assert len(refused) == 4, outcomes
    assert await true_up.seats() == (5, 5)
    assert len(await true_up.suite.members()) == 5


async def test_a_scim_token_cannot_buy_seats_beyond_a_one_seat_true_up(true_up: TrueUp) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await true_up.suite.billing.ChangeSeats(
            billing_pb.ChangeSeatsRequest(organization_id=true_up.suite.organization_id, seats=50),
            metadata=true_up.scim(),
        )
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert await true_up.seats() == (2, 1)


async def test_a_scim_reactivation_without_a_free_seat_buys_one_within_the_cap(true_up: TrueUp) -> None:
    await true_up.allow(max_seats=3)
    first = await true_up.create("u0@acme.test")
    assert first is not None and first != "NO_SEATS_AVAILABLE"
    deactivate = [prov_pb.ScimPatchOperation(op="Replace", path="active", value_json='"False"')]
    await true_up.suite.provisioning.PatchScimUser(
        prov_pb.PatchScimUserRequest(
            organization_id=true_up.suite.organization_id, user_id=first, operations=deactivate
        ),
        metadata=true_up.scim(),
    )
    # The seat comes back when billing consumes the deactivation; then another user takes it.
    await eventually(functools.partial(_seats_are, true_up, (2, 1)))
    assert await true_up.create("u1@acme.test") not in (None, "NO_SEATS_AVAILABLE")

    reactivate = [prov_pb.ScimPatchOperation(op="Replace", path="active", value_json="true")]
    reply = await true_up.suite.provisioning.PatchScimUser(
        prov_pb.PatchScimUserRequest(
            organization_id=true_up.suite.organization_id, user_id=first, operations=reactivate
        ),
        metadata=true_up.scim(),
    )
    assert reply.user.active
    assert await true_up.seats() == (3, 3)
    assert [s.rsplit(".", 1)[1] for s, _ in await true_up.true_up_events()] == ["seat_purchased"]


async def _seats_are(true_up: TrueUp, expected: tuple[int, int]) -> bool:
    return await true_up.seats() == expected


async def _seat_notices(true_up: TrueUp) -> list[str]:
    mails = [path.read_text() for path in true_up.mail_dir.glob("*.eml")] if true_up.mail_dir.exists() else []
    return [m for m in mails if "no free seat" in m]
