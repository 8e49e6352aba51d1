"""Members: listing them, and changing one (role, deactivation, reactivation, removal) under the rules of
domain/rules.py, holding a seat in billing first when the change gives the member one."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from services.common.errors import (
    Aborted,
    DomainError,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
)
from services.common.people import is_printable
from services.common.principal import Principal
from services.membership.domain import roles, rules
from services.membership.domain.custom_roles import role_catalog
from services.membership.domain.events import MemberChanged, MemberRemoved
from services.membership.domain.model import Member, MemberOrder, MemberQuery, MemberStatus
from services.membership.domain.ports import Clock, MembershipStore, SeatReservations
from services.membership.domain.replays import Replay, member_from_json, member_to_json
from services.membership.domain.rules import MemberAction
from services.membership.domain.scim_true_up import reserve_seat
from services.membership.domain.seats import give_back_seat

MAX_SEARCH = 100


def member_etag(member: Member) -> str:
    return f'W/"{member.version}"'


def member_order(text: str) -> MemberOrder:
    """The order named by a request's order_by ("" is newest first); InvalidArgument for anything else."""
    normalized = " ".join(text.lower().split()) or MemberOrder.NEWEST.value
    try:
        return MemberOrder(normalized)
    except ValueError:
        raise InvalidArgument(
            f"Unknown order {text!r}.", [FieldViolation("order_by", f"one of {[o.value for o in MemberOrder]}")]
        ) from None


def member_sort_key(member: Member, order: MemberOrder) -> str | None:
    """The value a member sorts by in `order` (what the store compares in keyset pagination)."""
    return {MemberOrder.NAME: member.display_name.lower(), MemberOrder.EMAIL: member.email}.get(order)


def changed_member(
    member: Member, action: MemberAction, new_role: str, now: datetime, catalog: roles.RoleCatalog
) -> Member:
    """The member after `action`; FailedPrecondition when its status does not allow it."""
    if action is MemberAction.CHANGE_ROLE:
        return replace(
            member,
            role=new_role,
            custom_role_permissions=catalog.custom_permissions(new_role),
            # A new role brings its own seat; the switch starts over from it.
            seat=None,
            version=member.version + 1,
            updated_at=now,
        )
    if action is MemberAction.DEACTIVATE:
        if member.status is not MemberStatus.ACTIVE:
            raise FailedPrecondition("Only an active member can be deactivated.", reason="NOT_ACTIVE")
        return replace(member, status=MemberStatus.DEACTIVATED, version=member.version + 1, updated_at=now)
    if action is MemberAction.REACTIVATE:
        if member.status is not MemberStatus.DEACTIVATED:
            raise FailedPrecondition("Only a deactivated member can be reactivated.", reason="NOT_DEACTIVATED")
        return replace(member, status=MemberStatus.ACTIVE, version=member.version + 1, updated_at=now)
    return replace(member, status=MemberStatus.REMOVED, version=member.version + 1, updated_at=now)


class MemberUseCases:
    def __init__(self, store: MembershipStore, clock: Clock, seats: SeatReservations | None = None):
        self._store = store
        self._clock = clock
        # Billing's seats; None where seats are not limited (tests of other rules).
        self._seats = seats

    async def list_members(self, principal: Principal, query: MemberQuery) -> list[Member]:
        principal.authorize(roles.MEMBERS_READ, query.organization_id)
        if query.status is not None and query.status not in {s.value for s in MemberStatus}:
            raise InvalidArgument(f"Unknown status {query.status!r}.", [FieldViolation("filter", "unknown status")])
        if query.search is not None and (not 1 <= len(query.search) <= MAX_SEARCH or not is_printable(query.search)):
            raise InvalidArgument(
                "search is 1 to 100 printable characters.", [FieldViolation("search", f"1 to {MAX_SEARCH} characters")]
            )
        async with self._store.read() as tx:
            if query.role is not None and not (await role_catalog(tx, query.organization_id)).exists(query.role):
                raise InvalidArgument(f"Unknown role {query.role!r}.", [FieldViolation("filter", "unknown role")])
            found = await tx.list_members(query)
            shown = {f.key for f in await tx.profile_fields(query.organization_id) if f.shown}
            if not shown or not found:
                return found
            profiles = await tx.member_profiles(query.organization_id, [m.id for m in found])
        return [replace(m, profile={k: v for k, v in profiles.get(m.id, {}).items() if k in shown}) for m in found]

    async def allowed_actions(
        self, principal: Principal, organization_id: str, members: list[Member]
    ) -> dict[str, tuple[rules.MemberAction, ...]]:
        """What `principal` may do to each of `members` (for user interfaces; every action is checked again)."""
        catalog = roles.BUILT_IN_CATALOG
        if any(member.role not in roles.BUILT_IN_ROLES for member in members):
            async with self._store.read() as tx:
                catalog = await role_catalog(tx, organization_id)
        return {member.id: rules.allowed_actions(principal, member, catalog) for member in members}

    async def change_role(
        self,
        principal: Principal,
        organization_id: str,
        member_id: str,
        role: str,
        etag: str = "",
        idempotency_key: str = "",
    ) -> Member:
        return await self.change(
            principal,
            organization_id,
            member_id,
            MemberAction.CHANGE_ROLE,
            new_role=role,
            etag=etag,
            idempotency_key=idempotency_key,
        )

    async def deactivate(
        self, principal: Principal, organization_id: str, member_id: str, idempotency_key: str = ""
    ) -> Member:
        return await self.change(
            principal, organization_id, member_id, MemberAction.DEACTIVATE, idempotency_key=idempotency_key
        )

    async def reactivate(
        self, principal: Principal, organization_id: str, member_id: str, idempotency_key: str = ""
    ) -> Member:
        return await self.change(
            principal, organization_id, member_id, MemberAction.REACTIVATE, idempotency_key=idempotency_key
        )

    async def remove(
        self, principal: Principal, organization_id: str, member_id: str, idempotency_key: str = ""
    ) -> None:
        await self.change(principal, organization_id, member_id, MemberAction.REMOVE, idempotency_key=idempotency_key)

    async def change(
        self,
        principal: Principal,
        organization_id: str,
        member_id: str,
        action: MemberAction,
        *,
        new_role: str = "",
        etag: str = "",
        idempotency_key: str = "",
    ) -> Member:
        """Apply one action to one member; the member as it is afterwards (REMOVED for a removal)."""
        principal.authorize(rules.REQUIRED_PERMISSION[action], organization_id)
        now = self._clock.now()
        replay = Replay(organization_id, f"member.{action.value}", idempotency_key)
        reserved = await self._hold_seat_if_gained(principal, organization_id, member_id, action, new_role, now)
        seat_used = False
        try:
            async with self._store.write() as tx:
                # Serialises changes to one organization's members (the last-Owner rule needs a stable count).
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
                catalog = await role_catalog(tx, organization_id)
                rules.check_member_action(principal, target, action, new_role, catalog)
                if (
                    rules.loses_ownership(target, action, new_role)
                    and await tx.count_active_owners(organization_id, excluding=target.id) == 0
                ):
                    raise FailedPrecondition("The organization must keep at least one Owner.", reason="LAST_OWNER")
                changed = changed_member(target, action, new_role, now, catalog)
                seat_used = rules.holds_seat(changed) and not rules.holds_seat(target)
                if seat_used and self._seats is not None and not reserved:
                    # The member changed between the look that held seats and this write.
                    raise Aborted("The member changed concurrently; retry.", reason="CONCURRENT_CHANGE")
                if action is MemberAction.REMOVE:
                    await tx.delete_member(target)
                    await tx.record_events(MemberRemoved(principal, now, changed))
                else:
                    if not await tx.update_member(changed, expected_version=target.version):
                        raise Aborted("The member changed concurrently; retry.", reason="CONCURRENT_CHANGE")
                    await tx.record_events(MemberChanged(principal, now, changed, action.value, target))
                await replay.keep(tx, {"member": member_to_json(changed)})
        finally:
            if reserved and not seat_used and self._seats is not None:
                await give_back_seat(self._seats, organization_id, member_id)
        return changed

    async def _hold_seat_if_gained(
        self,
        principal: Principal,
        organization_id: str,
        member_id: str,
        action: MemberAction,
        new_role: str,
        now: datetime,
    ) -> bool:
        """Hold a seat in billing when the change would give the member one (a reactivation, a role with
        seat.use). The write checks everything again, and gives an unused hold back."""
        if self._seats is None:
            return False
        async with self._store.read() as tx:
            target = await tx.get_member(organization_id, member_id)
            catalog = await role_catalog(tx, organization_id)
        if target is None:
            return False
        try:
            rules.check_member_action(principal, target, action, new_role, catalog)
            changed = changed_member(target, action, new_role, now, catalog)
        except DomainError:
            return False  # the write refuses the change with the same error
        if not rules.holds_seat(changed) or rules.holds_seat(target):
            return False
        await reserve_seat(self._seats, self._store, self._clock, principal, organization_id, target.id)
        return True
