"""Seat reconciliation: the pure comparison of membership's members with billing's seat holders, and billing's
side of it read from the database."""

from __future__ import annotations

from services.billing.domain.reconciliation import MISSING_IN_BILLING, NOT_A_MEMBER, compare
from services.billing.tests.harness import ORG, BillingHarness
from services.billing.tests.test_subscriptions import OWNER


def test_reconciliation_reports_every_member_on_one_side_only() -> None:
    members = {"a": "active", "b": "invited", "c": "active", "d": "active"}
    holders = {"a": "active", "b": "reserved", "d": "released", "e": "active", "f": "removed", "g": "invited"}
    result = compare(members, holders)
    assert [(d.member_id, d.kind, d.membership_status, d.billing_status) for d in result.differences] == [
        ("b", MISSING_IN_BILLING, "invited", "reserved"),  # a hold no event confirmed
        ("c", MISSING_IN_BILLING, "active", ""),  # an event billing never applied
        ("e", NOT_A_MEMBER, "", "active"),  # a removal billing missed
        ("g", NOT_A_MEMBER, "", "invited"),
    ]
    assert (result.membership_members, result.billing_seats, result.in_sync) == (4, 3, False)
    agreed = compare({"a": "active"}, {"a": "active", "x": "released"})
    assert agreed.in_sync and agreed.differences == ()


async def test_billing_side_of_the_reconciliation_reads_every_seat_holder(billing: BillingHarness) -> None:
    await billing.open_organization()
    await billing.member_event("member.added", "m-active", "active", 1)
    await billing.member_event("member.invited", "m-invited", "invited", 1)
    await billing.member_event("member.added", "m-viewer", "active", 1, seat_consuming=False)
    await billing.use_cases.seat_holds.reserve_seat(OWNER, ORG, "m-held")
    async with billing.store.read() as tx:
        holders = await tx.seat_holder_statuses(ORG)
    assert holders == {"m-active": "active", "m-invited": "invited", "m-viewer": "released", "m-held": "reserved"}
    members = {"m-active": "active", "m-invited": "invited", "m-viewer": "active", "m-held": "invited"}
    result = compare(members, holders)
    assert [(difference.member_id, difference.kind) for difference in result.differences] == [
        ("m-held", MISSING_IN_BILLING)  # held, not yet confirmed by membership's event
    ]
