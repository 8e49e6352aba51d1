"""An identity provider's group → role mapping applied to an existing member at each SSO sign-in. The change goes
through the rules of any role change (a seat held in billing first when the new role uses one, the organization
keeps an Owner, member.role_changed with before and after); the provider's principal is the actor. A change the
rules refuse is not an error: the member keeps its role and the refusal's reason is returned, for the caller to
audit (the person still signs in)."""

from __future__ import annotations

from services.common.errors import Aborted, FailedPrecondition
from services.common.principal import Principal
from services.membership.domain import rules
from services.membership.domain.custom_roles import role_catalog
from services.membership.domain.events import MemberChanged
from services.membership.domain.members import changed_member
from services.membership.domain.model import Member, MemberStatus
from services.membership.domain.ports import Clock, MembershipStore, SeatReservations
from services.membership.domain.rules import MemberAction
from services.membership.domain.scim_true_up import NO_SEATS_AVAILABLE, reserve_seat
from services.membership.domain.seats import give_back_seat

# Why a mapped role was not given (ProvisionMemberResponse.role_refused).
LAST_OWNER = "last_owner"
NO_SEAT = "no_seat"
UNKNOWN_ROLE = "unknown_role"


async def follow_mapped_role(
    store: MembershipStore,
    clock: Clock,
    seats: SeatReservations | None,
    principal: Principal,
    member: Member,
    role: str,
) -> tuple[Member, str]:
    """The member after taking `role`, and "" or the reason it keeps its role. Only an active member changes."""
    if member.role == role or member.status is not MemberStatus.ACTIVE:
        return member, ""
    organization_id = member.organization_id
    now = clock.now()
    async with store.read() as tx:
        catalog = await role_catalog(tx, organization_id)
    if not catalog.exists(role):
        # A mapping to a custom role deleted since: the member keeps what an admin gave them.
        return member, UNKNOWN_ROLE
    reserved = False
    gains_seat = rules.holds_seat(changed_member(member, MemberAction.CHANGE_ROLE, role, now, catalog))
    if seats is not None and gains_seat and not rules.holds_seat(member):
        try:
            await reserve_seat(seats, store, clock, principal, organization_id, member.id)
        except FailedPrecondition as refused:
            if refused.reason != NO_SEATS_AVAILABLE:
                raise
            return member, NO_SEAT
        reserved = True
    seat_used = False
    try:
        async with store.write() as tx:
            # Serialises changes to the organization's members, as every role change does (the Owner count).
            await tx.lock_organization(organization_id)
            current = await tx.get_member(organization_id, member.id)
            if current is None:
                raise Aborted("The member was removed meanwhile; sign in again.", reason="CONCURRENT_CHANGE")
            catalog = await role_catalog(tx, organization_id)
            if current.role == role or current.status is not MemberStatus.ACTIVE:
                return current, ""
            if not catalog.exists(role):
                return current, UNKNOWN_ROLE
            if (
                rules.loses_ownership(current, MemberAction.CHANGE_ROLE, role)
                and await tx.count_active_owners(organization_id, excluding=current.id) == 0
            ):
                return current, LAST_OWNER
            changed = changed_member(current, MemberAction.CHANGE_ROLE, role, now, catalog)
            seat_used = rules.holds_seat(changed) and not rules.holds_seat(current)
            if seat_used and seats is not None and not reserved:
                raise Aborted("The member changed concurrently; sign in again.", reason="CONCURRENT_CHANGE")
            if not await tx.update_member(changed, expected_version=current.version):
                raise Aborted("The member changed concurrently; sign in again.", reason="CONCURRENT_CHANGE")
            await tx.record_events(MemberChanged(principal, now, changed, MemberAction.CHANGE_ROLE.value, current))
    finally:
        if reserved and not seat_used and seats is not None:
            await give_back_seat(seats, organization_id, member.id)
    return changed, ""
