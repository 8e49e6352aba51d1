"""A member's seat (seat.use) as its own switch, apart from every admin right of their role (Talkatoo: permissions
combine freely, and the account holder removes their own dictation licence), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.errors import FailedPrecondition, NotFound, PermissionDenied
from services.membership.domain import roles, rules
from services.membership.domain.access import MemberAccess, ModuleState, decide
from services.membership.domain.members import MemberUseCases
from services.membership.domain.model import Member, MemberStatus, Organization
from services.membership.domain.modules import ProductModule, parse_modules
from services.membership.domain.seat_switch import SeatSwitchUseCases
from services.membership.store.tables import messaging
from services.membership.tests.support import membership_store, user_with_role

ORG = "org-1"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
OWNER = user_with_role("acc-o", roles.OWNER, ORG)
USER_ADMIN = user_with_role("acc-u", roles.USER_ADMIN, ORG)


@dataclass
class Seats:
    switch: SeatSwitchUseCases
    members: MemberUseCases
    db: Database


@pytest.fixture
async def org(database_url: str) -> AsyncIterator[Seats]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, db):
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", NOW))
            for member_id, account, role in (
                ("m-o", "acc-o", roles.OWNER),
                ("m-b", "acc-b", roles.BILLING_ADMIN),
                ("m-ann", "acc-ann", roles.MEMBER),
            ):
                await tx.insert_member(
                    Member(
                        member_id, ORG, account, f"{account}@acme.test", account, role, MemberStatus.ACTIVE, NOW, NOW
                    )
                )
        yield Seats(SeatSwitchUseCases(store, clock), MemberUseCases(store, clock), db)


async def seat_events(db: Database) -> list[membership_events_pb2.MemberChanged]:
    async with db.read() as connection:
        payloads = await connection.scalars(
            select(messaging.outbox.c.payload)
            .where(messaging.outbox.c.subject == "tenantry.membership.member.seat_changed")
            .order_by(messaging.outbox.c.id)
        )
        found = []
        for payload in payloads:
            event = membership_events_pb2.MemberChanged()
            envelope_pb2.Envelope.FromString(payload).payload.Unpack(event)
            found.append(event)
    return found


async def test_seat_use_is_separable_from_the_owner_role_and_the_owner_stays_owner(org: Seats) -> None:
    changed = await org.switch.set_seat(OWNER, ORG, "m-o", uses_seat=False)
    assert changed.role == roles.OWNER and changed.seat is False
    assert changed.permissions == roles.CATALOGUE - {roles.SEAT_USE} and not rules.holds_seat(changed)
    [event] = await seat_events(org.db)
    # Billing frees the seat and identity drops seat.use from the principal, both from this event.
    assert (event.role, event.seat_consuming, "seat.use" in event.permissions) == ("owner", False, False)
    assert "org.delete" in event.permissions
    # Asking again changes nothing and publishes nothing.
    assert (await org.switch.set_seat(OWNER, ORG, "m-o", uses_seat=False)).version == changed.version
    assert len(await seat_events(org.db)) == 1


async def test_an_owner_without_a_seat_still_grants_seats_to_others(org: Seats) -> None:
    seatless_owner = replace(OWNER, permissions=roles.CATALOGUE - {roles.SEAT_USE})
    rules.check_grantable(seatless_owner, roles.MEMBER)  # a seat is a licence, not a power
    changed = await org.members.change_role(seatless_owner, ORG, "m-ann", roles.USER_ADMIN)
    assert rules.holds_seat(changed)
    # Every other permission is still only granted by one who holds it.
    with pytest.raises(PermissionDenied):
        rules.check_grantable(user_with_role("acc-x", roles.MEMBER, ORG), roles.USER_ADMIN)


async def test_an_accountant_who_uses_the_product_gets_a_seat_and_a_new_role_starts_from_its_own(org: Seats) -> None:
    seated = await org.switch.set_seat(OWNER, ORG, "m-b", uses_seat=True)
    assert seated.role == roles.BILLING_ADMIN and rules.holds_seat(seated)
    [event] = await seat_events(org.db)
    assert event.seat_consuming
    back = await org.members.change_role(OWNER, ORG, "m-b", roles.BILLING_ADMIN)
    assert back.seat is None and not rules.holds_seat(back)


async def test_only_who_manages_roles_switches_seats(org: Seats) -> None:
    with pytest.raises(PermissionDenied):
        await org.switch.set_seat(USER_ADMIN, ORG, "m-ann", uses_seat=False)
    with pytest.raises(NotFound):
        await org.switch.set_seat(OWNER, ORG, "nobody", uses_seat=False)
    with pytest.raises(NotFound):
        await org.switch.set_seat(user_with_role("acc-z", roles.OWNER, "org-2"), ORG, "m-ann", uses_seat=False)
    await org.members.deactivate(OWNER, ORG, "m-ann")
    with pytest.raises(FailedPrecondition):
        await org.switch.set_seat(OWNER, ORG, "m-ann", uses_seat=True)


async def test_a_retry_with_the_same_key_switches_once(org: Seats) -> None:
    first = await org.switch.set_seat(OWNER, ORG, "m-ann", uses_seat=False, idempotency_key="k-1")
    again = await org.switch.set_seat(OWNER, ORG, "m-ann", uses_seat=False, idempotency_key="k-1")
    assert (first.version, again.version, again.seat) == (2, 2, False)
    assert len(await seat_events(org.db)) == 1


def test_check_access_refuses_seat_bound_modules_to_a_member_without_a_seat() -> None:
    catalogue = parse_modules(
        {
            "modules": [
                {"id": "dictation", "name": "Dictation", "entitlement": "dictation", "default_enabled": True},
                {"id": "reports", "name": "Reports", "entitlement": "dictation", "default_enabled": True,
                 "needs_seat": False},
            ]
        }
    )  # fmt: skip
    dictation, reports = catalogue.modules
    assert (dictation.needs_seat, reports.needs_seat) == (True, False)
    seatless = MemberAccess("m-o", "active", frozenset(), uses_seat=False)
    assert decide(entitled(dictation), seatless, "m-o").reason == "NO_SEAT"
    assert decide(entitled(reports), seatless, "m-o").allowed
    assert decide(entitled(dictation), replace(seatless, uses_seat=True), "m-o").allowed


def entitled(module: ProductModule) -> ModuleState:
    return ModuleState(module, entitled=True, enabled=True, enabled_group_ids=(), disabled_group_ids=(), plans=())
