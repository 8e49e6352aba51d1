"""The SCIM safety hold: an identity provider that would deactivate or remove more than a threshold of the
organization's members within a sliding hour (a misconfigured sync, a deleted assignment group) is stopped.
The change that crosses the threshold, and every later one while any wait, is held instead of applied; the IdP
is told to retry later (Unavailable, reason SCIM_CHANGE_HELD) and an Owner approves (applies them all) or rejects
(drops them). The count is taken in the write transaction that records the change, under the organization's
lock, so concurrent requests cannot all slip under the threshold."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from services.common.domain import DomainEvent
from services.common.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound, Unavailable
from services.common.ids import new_id
from services.common.principal import Principal
from services.membership.domain import roles
from services.membership.domain.members import MemberUseCases
from services.membership.domain.ports import Clock, MembershipTransaction

WINDOW = timedelta(hours=1)
DEFAULT_PERCENT = 10
# Below this many deprovisions an hour a small organization is never held.
DEFAULT_FLOOR = 5
# The largest floor an organization may set (as many as the largest plan's seats: a floor above it holds nothing).
MAX_FLOOR = 100_000
# What the IdP is told to wait: long enough for an Owner to decide, short enough that an approved sync resumes.
RETRY_AFTER_SECONDS = 900


class HeldAction(StrEnum):
    DEACTIVATE = "deactivate"
    REMOVE = "remove"


@dataclass(frozen=True)
class HoldPolicy:
    """Held when more than max(floor, percent % of the members) deprovisions fall within the hour."""

    percent: int = DEFAULT_PERCENT
    floor: int = DEFAULT_FLOOR

    def limit(self, members: int) -> int:
        return max(self.floor, members * self.percent // 100)


@dataclass(frozen=True)
class HeldChange:
    id: str
    organization_id: str
    member_id: str
    action: HeldAction
    actor_id: str
    held_at: datetime


@dataclass(frozen=True)
class ScimChangeHeld(DomainEvent):
    """A deprovision was held: `counted` deprovisions (this one included) against `limit` within the hour."""

    change: HeldChange
    counted: int
    limit: int


@dataclass(frozen=True)
class ScimHeldChangesDecided(DomainEvent):
    """An Owner `approved` or `rejected` (decision) the organization's held changes."""

    organization_id: str
    decision: str
    changes: tuple[HeldChange, ...]


class ScimChangeHeldError(Unavailable):
    """What the identity provider gets while a change is held: retry later (SCIM 503 with Retry-After)."""

    def __init__(self, counted: int, limit: int):
        super().__init__(
            f"Held by the safety hold: {counted} deactivations or removals within an hour exceed the limit of "
            f"{limit}. An Owner of the organization must approve or reject the held changes.",
            RETRY_AFTER_SECONDS,
            reason="SCIM_CHANGE_HELD",
        )


class ScimHoldTransaction(MembershipTransaction, Protocol):
    """Membership's transaction with the safety hold's queries (store/scim_holds.py)."""

    async def hold_policy(self, organization_id: str) -> HoldPolicy: ...
    async def save_hold_policy(self, organization_id: str, policy: HoldPolicy) -> None: ...
    async def count_members_since(self, organization_id: str, since: datetime) -> int: ...
    async def count_deprovisions_since(self, organization_id: str, since: datetime) -> int: ...
    async def record_deprovision(self, organization_id: str, member_id: str, at: datetime) -> None: ...
    async def held_changes(self, organization_id: str) -> list[HeldChange]: ...
    async def hold_change(self, change: HeldChange) -> bool: ...
    async def drop_held_changes(self, organization_id: str, change_ids: Sequence[str]) -> None: ...


class ScimHoldStore(Protocol):
    def write(self) -> AbstractAsyncContextManager[ScimHoldTransaction]: ...
    def read(self) -> AbstractAsyncContextManager[ScimHoldTransaction]: ...


def _holds(counted: int, limit: int, waiting: Sequence[HeldChange]) -> bool:
    """Whether a deprovision is held: it crosses the hour's limit, or earlier ones wait for an Owner (so the
    changes apply in the order they came)."""
    return bool(waiting) or counted > limit


class ScimHolds:
    def __init__(self, store: ScimHoldStore, clock: Clock, members: MemberUseCases):
        self._store = store
        self._clock = clock
        self._members = members

    async def deprovision(self, principal: Principal, organization_id: str, member_id: str, action: HeldAction) -> None:
        """Apply a SCIM deactivation or removal, or hold it (ScimChangeHeldError) when it crosses the threshold."""
        await self.admit(principal, organization_id, member_id, action)
        if action is HeldAction.REMOVE:
            await self._members.remove(principal, organization_id, member_id)
        else:
            await self._members.deactivate(principal, organization_id, member_id)

    async def admit(self, principal: Principal, organization_id: str, member_id: str, action: HeldAction) -> None:
        """Count the deprovision into the hour, or hold it; the count and the record share one transaction under
        the organization's lock. A change recorded but then refused by the members' rules still counts, which
        errs on the side of holding."""
        now = self._clock.now()
        held: tuple[int, int] | None = None
        async with self._store.write() as tx:
            if not await tx.lock_organization(organization_id):
                raise NotFound("No such organization.")
            waiting = await tx.held_changes(organization_id)
            since = now - WINDOW
            recent = await tx.count_deprovisions_since(organization_id, since)
            limit = (await tx.hold_policy(organization_id)).limit(await tx.count_members_since(organization_id, since))
            counted = recent + len(waiting) + 1
            if _holds(counted, limit, waiting):
                change = HeldChange(new_id(), organization_id, member_id, action, principal.actor_id, now)
                if await tx.hold_change(change):
                    await tx.record_events(ScimChangeHeld(principal, now, change, counted, limit))
                held = (counted, limit)
            else:
                await tx.record_deprovision(organization_id, member_id, now)
        if held is not None:
            raise ScimChangeHeldError(*held)

    async def dry_run_verdict(self, organization_id: str, dry_run_deprovisions: int) -> tuple[int, int] | None:
        """(counted, limit) when one more deprovision, after `dry_run_deprovisions` recorded in dry-run mode within
        the hour, would be held were it live; None when it would go through. Reads only: dry-run changes no count."""
        since = self._clock.now() - WINDOW
        async with self._store.read() as tx:
            waiting = await tx.held_changes(organization_id)
            recent = await tx.count_deprovisions_since(organization_id, since)
            limit = (await tx.hold_policy(organization_id)).limit(await tx.count_members_since(organization_id, since))
        counted = recent + len(waiting) + dry_run_deprovisions + 1
        return (counted, limit) if _holds(counted, limit, waiting) else None

    async def list_held(self, principal: Principal, organization_id: str) -> list[HeldChange]:
        principal.authorize(roles.SECURITY_MANAGE, organization_id)
        async with self._store.read() as tx:
            return await tx.held_changes(organization_id)

    async def approve(self, principal: Principal, organization_id: str) -> list[HeldChange]:
        """Apply every held change as the approving Owner. A change the members' rules refuse now (the member is
        gone, the last Owner) is skipped so it cannot stop the others. The changes applied."""
        principal.authorize(roles.SECURITY_MANAGE, organization_id)
        applied: list[HeldChange] = []
        for change in await self._take(principal, organization_id, "approved"):
            try:
                if change.action is HeldAction.REMOVE:
                    await self._members.remove(principal, organization_id, change.member_id)
                else:
                    await self._members.deactivate(principal, organization_id, change.member_id)
            except (NotFound, FailedPrecondition):
                continue
            applied.append(change)
        return applied

    async def reject(self, principal: Principal, organization_id: str) -> list[HeldChange]:
        """Drop every held change unapplied. The changes decided."""
        principal.authorize(roles.SECURITY_MANAGE, organization_id)
        return await self._take(principal, organization_id, "rejected")

    async def get_policy(self, principal: Principal, organization_id: str) -> HoldPolicy:
        principal.authorize(roles.SECURITY_MANAGE, organization_id)
        async with self._store.read() as tx:
            return await tx.hold_policy(organization_id)

    async def set_policy(self, principal: Principal, organization_id: str, policy: HoldPolicy) -> HoldPolicy:
        principal.authorize(roles.SECURITY_MANAGE, organization_id)
        if not 0 < policy.percent <= 100 or not 0 <= policy.floor <= MAX_FLOOR:
            raise InvalidArgument(
                f"The hold percent is 1 to 100 and the floor 0 to {MAX_FLOOR}.",
                [FieldViolation("percent", "1 to 100"), FieldViolation("floor", f"0 to {MAX_FLOOR}")],
                reason="INVALID_HOLD_POLICY",
            )
        async with self._store.write() as tx:
            if not await tx.lock_organization(organization_id):
                raise NotFound("No such organization.")
            await tx.save_hold_policy(organization_id, policy)
        return policy

    async def _take(self, principal: Principal, organization_id: str, decision: str) -> list[HeldChange]:
        """Remove the held changes and record the decision, in one transaction (two Owners deciding at once
        decide each change once)."""
        now = self._clock.now()
        async with self._store.write() as tx:
            if not await tx.lock_organization(organization_id):
                raise NotFound("No such organization.")
            changes = await tx.held_changes(organization_id)
            if changes:
                await tx.drop_held_changes(organization_id, [c.id for c in changes])
                await tx.record_events(
                    ScimHeldChangesDecided(principal, now, organization_id, decision, tuple(changes))
                )
        return changes
