"""Reconciliation of billing's seat holders with membership's members: a check that reports every member on one
side only, so a lost or misapplied event shows up instead of drifting silently. It changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from services.billing.domain.model import SEAT_ACTIVE, SEAT_INVITED
from services.billing.domain.ports import BillingStore, MemberDirectory
from services.common.permissions import BILLING_READ
from services.common.principal import Principal

MISSING_IN_BILLING = "missing_in_billing"
NOT_A_MEMBER = "not_a_member"
SEATED = (SEAT_INVITED, SEAT_ACTIVE)


@dataclass(frozen=True)
class SeatDifference:
    member_id: str
    kind: str
    membership_status: str
    billing_status: str


@dataclass(frozen=True)
class Reconciliation:
    membership_members: int
    billing_seats: int
    differences: tuple[SeatDifference, ...]

    @property
    def in_sync(self) -> bool:
        return not self.differences


def compare(members: dict[str, str], holders: dict[str, str]) -> Reconciliation:
    """Pure comparison. A member membership lists as invited or active is missing in billing when billing has no
    row for them, or only an unconfirmed hold; billing's invited or active seat for anyone membership does not list
    so is not a member. Billing's `released` for a listed member is not a difference: it is how billing records a
    member without `seat.use`, which membership's list does not show."""
    differences = [
        SeatDifference(member_id, MISSING_IN_BILLING, status, holders.get(member_id, ""))
        for member_id, status in sorted(members.items())
        if holders.get(member_id, "") in ("", "reserved")
    ]
    differences += [
        SeatDifference(member_id, NOT_A_MEMBER, members.get(member_id, ""), status)
        for member_id, status in sorted(holders.items())
        if status in SEATED and member_id not in members
    ]
    seats = sum(status in SEATED for status in holders.values())
    return Reconciliation(len(members), seats, tuple(differences))


class SeatReconciliation:
    def __init__(self, store: BillingStore, directory: MemberDirectory):
        self._store = store
        self._directory = directory

    async def reconcile(self, principal: Principal, organization_id: str) -> Reconciliation:
        principal.authorize(BILLING_READ, organization_id)
        members = await self._directory.seated_members(organization_id)
        async with self._store.read() as tx:
            holders = await tx.seat_holder_statuses(organization_id)
        return compare(members, holders)
