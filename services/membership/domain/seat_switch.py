"""A member's seat as its own switch (seat.use), apart from every admin right of their role: the Talkatoo account
holder who gives up their own dictation licence to free a seat stays Owner. Turning a seat on holds one in billing
first; turning it off frees it through the member event billing consumes."""

from __future__ import annotations

from dataclasses import replace

from services.common.errors import Aborted, DomainError, NotFound
from services.common.principal import Principal
from services.membership.domain import roles, rules
from services.membership.domain.events import MemberChanged
from services.membership.domain.members import member_etag
from services.membership.domain.model import Member
from services.membership.domain.ports import Clock, MembershipStore, SeatReservations
from services.membership.domain.replays import Replay, member_from_json, member_to_json
from services.membership.domain.seats import give_back_seat

# The `change` of the MemberChanged event, published as member.seat_changed.
SET_SEAT = "set_seat"


def with_seat(member: Member, uses_seat: bool) -> Member:
    """The member with their seat switched; a switch equal to the role's own seat goes back to following the role."""
    role_gives_seat = roles.is_seat_consuming(member.role_permissions)
    return replace(member, seat=None if uses_seat == role_gives_seat else uses_seat)


class SeatSwitchUseCases:
    def __init__(self, store: MembershipStore, clock: Clock, seats: SeatReservations | None = None):
        self._store = store
        self._clock = clock
        self._seats = seats

    async def set_seat(
        self,
        principal: Principal,
        organization_id: str,
        member_id: str,
        uses_seat: bool,
        etag: str = "",
        idempotency_key: str = "",
    ) -> Member:
        """Turn a member's seat on or off; the member afterwards (unchanged when the switch already says so)."""
        principal.authorize(roles.MEMBERS_MANAGE_ROLES, organization_id)
        replay = Replay(organization_id, "member.set_seat", idempotency_key)
        reserved = await self._hold_seat_if_gained(principal, organization_id, member_id, uses_seat)
        seat_used = False
        try:
            async with self._store.write() as tx:
                if not await tx.lock_organization(organization_id):
                    raise NotFound("No such organization.")
                answer = await replay.answer(tx)
                if answer is not None:
                    return member_from_json(answer["member"])
                target = await tx.get_member(organization_id, member_id)
                if target is None:
                    raise NotFound("No such member.")
                if etag and etag != member_etag(target):
                    raise Aborted("The member changed since you read it; read it again.", reason="ETAG_MISMATCH")
                rules.check_seat_switch(principal, target)
                switched = with_seat(target, uses_seat)
                if switched.seat == target.seat:
                    await replay.keep(tx, {"member": member_to_json(target)})
                    return target
                changed = replace(switched, version=target.version + 1, updated_at=self._clock.now())
                seat_used = rules.holds_seat(changed) and not rules.holds_seat(target)
                if seat_used and self._seats is not None and not reserved:
                    raise Aborted("The member changed concurrently; retry.", reason="CONCURRENT_CHANGE")
                if not await tx.update_member(changed, expected_version=target.version):
                    raise Aborted("The member changed concurrently; retry.", reason="CONCURRENT_CHANGE")
                await tx.record_events(MemberChanged(principal, changed.updated_at, changed, SET_SEAT, target))
                await replay.keep(tx, {"member": member_to_json(changed)})
        finally:
            if reserved and not seat_used and self._seats is not None:
                await give_back_seat(self._seats, organization_id, member_id)
        return changed

    async def _hold_seat_if_gained(
        self, principal: Principal, organization_id: str, member_id: str, uses_seat: bool
    ) -> bool:
        """Hold a seat in billing when the switch gives the member one; the write checks everything again."""
        if self._seats is None or not uses_seat:
            return False
        async with self._store.read() as tx:
            target = await tx.get_member(organization_id, member_id)
        if target is None:
            return False
        try:
            rules.check_seat_switch(principal, target)
        except DomainError:
            return False
        if rules.holds_seat(target) or not rules.holds_seat(with_seat(target, uses_seat)):
            return False
        await self._seats.reserve(organization_id, target.id)
        return True
