"""Billing's seat projection against real databases: replayed and out-of-order events end right."""

from __future__ import annotations

import pytest
from tenantry.events.v1 import membership_events_pb2

from services.billing.tests.harness import BILLING_READER, ORG, BillingHarness, member, membership_event, principal
from services.common.errors import NotFound, PermissionDenied


async def test_an_invited_member_holds_a_seat_and_an_active_owner_another(billing: BillingHarness) -> None:
    await billing.open_organization()
    await billing.member_event("member.added", "owner", "active", 1)
    await billing.member_event("member.invited", "new", "invited", 1)
    usage = await billing.use_cases.seat_holds.seat_usage(BILLING_READER, ORG)
    assert (usage.purchased, usage.active, usage.invited, usage.in_use, usage.available) == (10, 1, 1, 2, 8)


async def test_a_member_without_seat_use_holds_no_seat(billing: BillingHarness) -> None:
    await billing.open_organization()
    await billing.member_event("member.added", "accountant", "active", 1, seat_consuming=False)
    assert (await billing.use_cases.seat_holds.seat_usage(BILLING_READER, ORG)).in_use == 0


async def test_a_stale_member_version_does_not_undo_a_newer_one(billing: BillingHarness) -> None:
    await billing.open_organization()
    await billing.member_event("member.removed", "m", "removed", 3, seat_consuming=False)
    await billing.member_event("member.invited", "m", "invited", 1)
    await billing.member_event("member.activated", "m", "active", 2)
    assert (await billing.use_cases.seat_holds.seat_usage(BILLING_READER, ORG)).in_use == 0


async def test_a_replayed_event_counts_once(billing: BillingHarness) -> None:
    created = membership_event("organization.created", membership_events_pb2.OrganizationCreated(organization_id=ORG))
    invited = membership_event("member.invited", membership_events_pb2.MemberInvited(member=member("m", "invited", 1)))
    for envelope in (created, invited, created, invited):
        await billing.deliver(envelope)
    assert (await billing.use_cases.seat_holds.seat_usage(BILLING_READER, ORG)).invited == 1


async def test_seats_are_private_to_their_organization_and_to_billing_readers(billing: BillingHarness) -> None:
    await billing.open_organization()
    with pytest.raises(NotFound):
        await billing.use_cases.seat_holds.seat_usage(principal("billing.read", organization_id="org-2"), ORG)
    with pytest.raises(PermissionDenied):
        await billing.use_cases.seat_holds.seat_usage(principal("seat.use"), ORG)
