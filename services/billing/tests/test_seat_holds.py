"""ReserveSeat and ReleaseSeat against real databases: holds count as invited until membership's event
replaces them, never exceed the seats purchased under concurrency, and lapse when nothing confirms them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from services.billing.domain.model import SEAT_HOLD_LIFETIME
from services.billing.domain.seat_holds import SeatHoldUseCases
from services.billing.tests.harness import (
    BILLING_READER,
    INVITER,
    ORG,
    OTHER_ORG,
    BillingHarness,
    open_harness,
    principal,
)
from services.common.db import Database
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied

RESERVED_SUBJECT = "tenantry.billing.seat.reserved"
RELEASED_SUBJECT = "tenantry.billing.seat.released"
SEAT_EVENTS = "tenantry.billing.seat."


async def usage_tuple(billing: BillingHarness) -> tuple[int, int, int, int]:
    usage = await billing.use_cases.seat_holds.seat_usage(BILLING_READER, ORG)
    return usage.active, usage.invited, usage.in_use, usage.available


async def test_a_hold_counts_as_invited_until_the_member_event_replaces_it(billing: BillingHarness) -> None:
    await billing.open_organization()
    await billing.member_event("member.added", "owner", "active", 1)
    usage = await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, "new")
    assert (usage.active, usage.invited, usage.in_use, usage.available) == (1, 1, 2, 8)
    await billing.member_event("member.invited", "new", "invited", 1)
    assert await usage_tuple(billing) == (1, 1, 2, 8)
    await billing.member_event("member.activated", "new", "active", 2)
    assert await usage_tuple(billing) == (2, 0, 2, 8)
    assert await billing.published_subjects(SEAT_EVENTS) == [RESERVED_SUBJECT]


async def test_a_retried_reservation_holds_one_seat_and_publishes_once(billing: BillingHarness) -> None:
    await billing.open_organization()
    for _ in range(3):
        usage = await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, "new")
        assert usage.invited == 1
    await billing.member_event("member.invited", "new", "invited", 1)
    assert (await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, "new")).invited == 1
    assert await billing.published_subjects(SEAT_EVENTS) == [RESERVED_SUBJECT]


async def test_a_full_organization_refuses_with_no_seats_available(billing: BillingHarness) -> None:
    await billing.open_organization()
    for index in range(10):
        await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, f"m{index}")
    with pytest.raises(FailedPrecondition) as refused:
        await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, "one-too-many")
    assert refused.value.reason == "NO_SEATS_AVAILABLE"
    assert refused.value.metadata == {"purchased": "10", "in_use": "10"}
    # A member already holding a seat is still answered yes.
    assert (await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, "m3")).available == 0


async def test_release_frees_an_unconfirmed_hold_only(billing: BillingHarness) -> None:
    await billing.open_organization()
    await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, "abandoned")
    await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, "confirmed")
    await billing.member_event("member.invited", "confirmed", "invited", 1)
    await billing.use_cases.seat_holds.release_seat(INVITER, ORG, "abandoned")
    await billing.use_cases.seat_holds.release_seat(INVITER, ORG, "abandoned")
    await billing.use_cases.seat_holds.release_seat(INVITER, ORG, "confirmed")
    await billing.use_cases.seat_holds.release_seat(INVITER, ORG, "never-held")
    assert await usage_tuple(billing) == (0, 1, 1, 9)
    assert await billing.published_subjects(SEAT_EVENTS) == [RESERVED_SUBJECT, RESERVED_SUBJECT, RELEASED_SUBJECT]


async def test_a_member_event_arriving_after_a_release_still_counts(billing: BillingHarness) -> None:
    await billing.open_organization()
    await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, "m")
    await billing.use_cases.seat_holds.release_seat(INVITER, ORG, "m")
    await billing.member_event("member.invited", "m", "invited", 1)
    assert await usage_tuple(billing) == (0, 1, 1, 9)


async def test_a_known_member_regaining_a_seat_is_held_then_confirmed_by_its_next_version(
    billing: BillingHarness,
) -> None:
    await billing.open_organization()
    await billing.member_event("member.added", "accountant", "active", 3, seat_consuming=False)
    await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, "accountant")
    assert await usage_tuple(billing) == (0, 1, 1, 9)
    await billing.member_event("member.added", "accountant", "active", 3, seat_consuming=False)  # a replay
    assert await usage_tuple(billing) == (0, 1, 1, 9)
    await billing.member_event("member.role_changed", "accountant", "active", 4)
    assert await usage_tuple(billing) == (1, 0, 1, 9)


async def test_releasing_a_known_members_hold_returns_it_to_released(billing: BillingHarness) -> None:
    await billing.open_organization()
    await billing.member_event("member.removed", "m", "removed", 5, seat_consuming=False)
    await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, "m")
    await billing.use_cases.seat_holds.release_seat(INVITER, ORG, "m")
    assert await usage_tuple(billing) == (0, 0, 0, 10)
    await billing.member_event("member.activated", "m", "active", 6)
    assert await usage_tuple(billing) == (1, 0, 1, 9)


async def test_an_unconfirmed_hold_lapses_and_its_seat_can_be_held_again(billing: BillingHarness) -> None:
    await billing.open_organization()
    for index in range(10):
        await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, f"m{index}")
    billing.clock.advance(SEAT_HOLD_LIFETIME - timedelta(seconds=1))
    await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, "m0")  # a retry renews m0's hold
    with pytest.raises(FailedPrecondition):
        await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, "late")
    billing.clock.advance(timedelta(seconds=2))
    assert await usage_tuple(billing) == (0, 1, 1, 9)
    await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, "late")
    # m1's lapsed hold is taken again as a new one.
    await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, "m1")
    assert await usage_tuple(billing) == (0, 3, 3, 7)


async def test_holding_needs_invite_or_role_rights_in_that_organization(billing: BillingHarness) -> None:
    await billing.open_organization()
    await billing.open_organization(OTHER_ORG)
    await billing.use_cases.seat_holds.reserve_seat(principal("members.manage_roles"), ORG, "by-role-manager")
    with pytest.raises(PermissionDenied) as denied:
        await billing.use_cases.seat_holds.reserve_seat(BILLING_READER, ORG, "m")
    assert denied.value.metadata == {"permission": "members.invite"}
    with pytest.raises(PermissionDenied):
        await billing.use_cases.seat_holds.release_seat(BILLING_READER, ORG, "by-role-manager")
    with pytest.raises(NotFound):
        await billing.use_cases.seat_holds.reserve_seat(
            principal("members.invite", organization_id=OTHER_ORG), ORG, "m"
        )
    assert await usage_tuple(billing) == (0, 1, 1, 9)


async def test_bad_member_ids_are_refused_and_nothing_is_written(billing: BillingHarness) -> None:
    await billing.open_organization()
    for bad in ("", "   ", "x" * 37):
        with pytest.raises(InvalidArgument) as invalid:
            await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, bad)
        assert [violation.field for violation in invalid.value.violations] == ["member_id"]
    assert await billing.published_subjects(SEAT_EVENTS) == []


async def test_a_first_invitation_before_organization_created_opens_the_subscription(billing: BillingHarness) -> None:
    usage = await billing.use_cases.seat_holds.reserve_seat(INVITER, ORG, "first-invitee")
    assert (usage.purchased, usage.invited) == (10, 1)
    await billing.open_organization()  # membership's event, late: nothing changes
    assert await usage_tuple(billing) == (0, 1, 1, 9)
    assert await billing.published_subjects() == [
        "tenantry.billing.subscription.opened",
        "tenantry.billing.entitlements.changed",
        RESERVED_SUBJECT,
    ]
    with pytest.raises(NotFound):
        await billing.use_cases.seat_holds.release_seat(
            principal("members.invite", organization_id=OTHER_ORG), OTHER_ORG, "never-held"
        )


async def test_concurrent_first_invitations_of_a_new_organization_open_one_subscription(database_url: str) -> None:
    billing = await open_harness(database_url, default_seats=5)
    replica = Database(database_url)
    try:
        replicas = [billing.use_cases.seat_holds, billing.seat_holds_on(replica)]
        results = await asyncio.gather(*(outcome(replicas[index % 2], f"invitee-{index}") for index in range(20)))
        assert sum(held for _, held in results) == 5
        assert await usage_tuple(billing) == (0, 5, 5, 0)
        assert (await billing.published_subjects()).count("tenantry.billing.subscription.opened") == 1
    finally:
        await replica.dispose()
        await billing.db.dispose()


async def fill_with_members(billing: BillingHarness, members: int) -> None:
    await billing.open_organization()
    for index in range(members):
        await billing.member_event("member.added", f"existing-{index}", "active", 1)


async def outcome(seat_holds: SeatHoldUseCases, member_id: str) -> tuple[str, bool]:
    try:
        await seat_holds.reserve_seat(INVITER, ORG, member_id)
    except FailedPrecondition as refused:
        assert refused.reason == "NO_SEATS_AVAILABLE"
        return member_id, False
    return member_id, True


async def test_200_concurrent_reservations_for_50_free_seats_hold_exactly_50(database_url: str) -> None:
    billing = await open_harness(database_url, default_seats=60)
    # Two engines on one database, as two replicas of billing would hold.
    replica = Database(database_url)
    try:
        await fill_with_members(billing, 10)
        replicas = [billing.use_cases.seat_holds, billing.seat_holds_on(replica)]
        results = await asyncio.gather(*(outcome(replicas[index % 2], f"invitee-{index}") for index in range(200)))
        assert sum(held for _, held in results) == 50
        assert await usage_tuple(billing) == (10, 50, 60, 0)
        assert (await billing.published_subjects(SEAT_EVENTS)).count(RESERVED_SUBJECT) == 50
    finally:
        await replica.dispose()
        await billing.db.dispose()


async def test_concurrent_retries_of_the_same_members_never_hold_twice(database_url: str) -> None:
    billing = await open_harness(database_url, default_seats=20)
    replica = Database(database_url)
    try:
        await fill_with_members(billing, 10)
        replicas = [billing.use_cases.seat_holds, billing.seat_holds_on(replica)]
        # 40 members, each asked for 5 times at once, for 10 free seats.
        results = await asyncio.gather(
            *(outcome(replicas[attempt % 2], f"invitee-{index}") for attempt in range(5) for index in range(40))
        )
        answers: dict[str, set[bool]] = {}
        for member_id, held in results:
            answers.setdefault(member_id, set()).add(held)
        assert all(len(answer) == 1 for answer in answers.values()), "a member was both refused and given a seat"
        assert sum(answer == {True} for answer in answers.values()) == 10
        assert await usage_tuple(billing) == (10, 10, 20, 0)
        assert (await billing.published_subjects(SEAT_EVENTS)).count(RESERVED_SUBJECT) == 10
    finally:
        await replica.dispose()
        await billing.db.dispose()
