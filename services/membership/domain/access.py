"""Module switches and the access check the product asks: may this member use this module now?

A member may use a module when the organization's plan includes the module's entitlement, the member is active, holds
a seat when the module needs one (seat.use: an Owner who gave up their seat keeps the portal, not the product), and
the module is on for them: a group of theirs switches it on, or none of their groups switches it off and the
organization has it on (its switch, or the catalogue's default). Answers come from a short-lived cache: one read per
organization every `ttl_seconds` (its entitlements, switches, and its members' status and groups), so a change is
seen within that time on every replica, and at once on the replica that made it.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from services.common.clock import Clock
from services.common.domain import DomainEvent
from services.common.entitlements import OrganizationEntitlements, require
from services.common.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound
from services.common.permissions import MEMBERS_READ, ORG_MANAGE
from services.common.principal import Principal
from services.membership.domain.modules import ModuleCatalogue, ProductModule

ORGANIZATION_WIDE = ""
MAX_BATCH_CHECKS = 500

NOT_ENTITLED = "NOT_ENTITLED"
MODULE_OFF = "MODULE_OFF"
MEMBER_NOT_ACTIVE = "MEMBER_NOT_ACTIVE"
NO_SUCH_MEMBER = "NO_SUCH_MEMBER"
NO_SUCH_MODULE = "NO_SUCH_MODULE"
NO_SEAT = "NO_SEAT"


@dataclass(frozen=True)
class ModuleSwitch:
    organization_id: str
    module_id: str
    group_id: str  # ORGANIZATION_WIDE for the organization's own switch
    enabled: bool
    version: int


@dataclass(frozen=True)
class MemberAccess:
    """What the check needs to know of a member."""

    member_id: str
    status: str
    group_ids: frozenset[str]
    # Holds seat.use (their role's seat or their own switch): modules that need a seat are for them.
    uses_seat: bool = True


@dataclass(frozen=True)
class OrganizationAccess:
    """What the check needs to know of an organization: its entitlements (None until billing's arrive), its switches
    and its members (status and groups), read together so that a check is one cache lookup."""

    entitlements: OrganizationEntitlements | None
    switches: tuple[ModuleSwitch, ...]
    members: dict[str, MemberAccess] = field(default_factory=dict)


@dataclass(frozen=True)
class ModuleState:
    module: ProductModule
    entitled: bool
    enabled: bool
    enabled_group_ids: tuple[str, ...]
    disabled_group_ids: tuple[str, ...]
    plans: tuple[str, ...]


@dataclass(frozen=True)
class AccessDecision:
    member_id: str
    module_id: str
    allowed: bool
    reason: str = ""


@dataclass(frozen=True)
class ModuleSwitched(DomainEvent):
    switch: ModuleSwitch


class AccessTransaction(Protocol):
    async def organization_access(self, organization_id: str, with_members: bool = False) -> OrganizationAccess | None:
        """None when there is no such organization; its members (status and groups) only when asked."""
        ...

    async def group_exists(self, organization_id: str, group_id: str) -> bool: ...
    async def save_switch(self, switch: ModuleSwitch, now: datetime) -> ModuleSwitch | None:
        """Store the switch with the next version; None when it already had that value (nothing changed)."""
        ...

    async def record_events(self, *events: DomainEvent) -> None: ...


class AccessStore(Protocol):
    def read(self) -> AbstractAsyncContextManager[AccessTransaction]: ...
    def write(self) -> AbstractAsyncContextManager[AccessTransaction]: ...


def module_state(module: ProductModule, organization: OrganizationAccess) -> ModuleState:
    switches = [switch for switch in organization.switches if switch.module_id == module.id]
    organization_switch = next((s for s in switches if s.group_id == ORGANIZATION_WIDE), None)
    entitlements = organization.entitlements
    return ModuleState(
        module=module,
        entitled=entitlements is not None and entitlements.grants(module.entitlement),
        enabled=organization_switch.enabled if organization_switch else module.default_enabled,
        enabled_group_ids=tuple(sorted(s.group_id for s in switches if s.group_id and s.enabled)),
        disabled_group_ids=tuple(sorted(s.group_id for s in switches if s.group_id and not s.enabled)),
        plans=entitlements.offers.get(module.entitlement, ()) if entitlements else (),
    )


def decide(state: ModuleState, member: MemberAccess | None, member_id: str) -> AccessDecision:
    """The rule of the module docstring, pure."""
    module_id = state.module.id
    if member is None:
        return AccessDecision(member_id, module_id, False, NO_SUCH_MEMBER)
    if not state.entitled:
        return AccessDecision(member_id, module_id, False, NOT_ENTITLED)
    if member.status != "active":
        return AccessDecision(member_id, module_id, False, MEMBER_NOT_ACTIVE)
    if state.module.needs_seat and not member.uses_seat:
        return AccessDecision(member_id, module_id, False, NO_SEAT)
    if member.group_ids & set(state.enabled_group_ids):
        return AccessDecision(member_id, module_id, True)
    if state.enabled and not member.group_ids & set(state.disabled_group_ids):
        return AccessDecision(member_id, module_id, True)
    return AccessDecision(member_id, module_id, False, MODULE_OFF)


Key = TypeVar("Key")
Value = TypeVar("Value")


@dataclass
class _Entry(Generic[Value]):
    value: Value
    expires_at: float


@dataclass
class TtlCache(Generic[Key, Value]):
    """A bounded cache whose entries live `ttl_seconds` (monotonic time, so a clock change cannot extend them)."""

    ttl_seconds: float
    size: int
    now: Callable[[], float] = time.monotonic
    _entries: OrderedDict[Key, _Entry[Value]] = field(default_factory=OrderedDict)

    def get(self, key: Key) -> Value | None:
        entry = self.entry(key)
        return entry.value if entry else None

    def entry(self, key: Key) -> _Entry[Value] | None:
        """The live entry (whose value may itself be None: "known not to exist"), or None when absent or stale."""
        entry = self._entries.get(key)
        if entry is None or entry.expires_at <= self.now():
            return None
        return entry

    def put(self, key: Key, value: Value) -> None:
        self._entries[key] = _Entry(value, self.now() + self.ttl_seconds)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def drop(self, key: Key) -> None:
        self._entries.pop(key, None)


class AccessUseCases:
    def __init__(
        self,
        store: AccessStore,
        catalogue: ModuleCatalogue,
        clock: Clock,
        ttl_seconds: float = 2.0,
        size: int = 50_000,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self._store = store
        self._catalogue = catalogue
        self._clock = clock
        self._organizations: TtlCache[str, OrganizationAccess] = TtlCache(ttl_seconds, size, monotonic)
        self._reads: dict[str, asyncio.Future[OrganizationAccess | None]] = {}

    async def _organization(self, organization_id: str) -> OrganizationAccess:
        cached = self._organizations.get(organization_id)
        if cached is not None:
            return cached
        # One read per organization at a time: the checks that missed together wait for the same answer.
        reading = self._reads.get(organization_id)
        if reading is None:
            reading = asyncio.ensure_future(self._read_organization(organization_id))
            self._reads[organization_id] = reading
            reading.add_done_callback(lambda _: self._reads.pop(organization_id, None))
        found = await asyncio.shield(reading)
        if found is None:
            raise NotFound("No such organization.")
        return found

    async def _read_organization(self, organization_id: str) -> OrganizationAccess | None:
        async with self._store.read() as tx:
            found = await tx.organization_access(organization_id, with_members=True)
        if found is not None:
            self._organizations.put(organization_id, found)
        return found

    def _module(self, module_id: str) -> ProductModule:
        module = self._catalogue.module(module_id)
        if module is None:
            raise NotFound(f"No module {module_id!r}.", reason="NO_SUCH_MODULE")
        return module

    async def list_modules(self, principal: Principal, organization_id: str) -> list[ModuleState]:
        principal.authorize(MEMBERS_READ, organization_id)
        async with self._store.read() as tx:
            organization = await tx.organization_access(organization_id)
        if organization is None:
            raise NotFound("No such organization.")
        return [module_state(module, organization) for module in self._catalogue.modules]

    async def set_module(
        self, principal: Principal, organization_id: str, module_id: str, group_id: str, enabled: bool
    ) -> ModuleState:
        """Switch a module for the organization or one group. Switching on needs the plan's entitlement;
        switching off is always allowed."""
        principal.authorize(ORG_MANAGE, organization_id)
        module = self._module(module_id)
        if group_id and not module.per_group:
            raise FailedPrecondition(
                f"{module.name} is switched for the whole organization only.", reason="NOT_PER_GROUP"
            )
        now = self._clock.now()
        async with self._store.write() as tx:
            organization = await tx.organization_access(organization_id)
            if organization is None:
                raise NotFound("No such organization.")
            if group_id and (len(group_id) > 64 or not await tx.group_exists(organization_id, group_id)):
                # Another organization's group is answered as any missing resource: not found.
                raise NotFound("No such group.")
            if enabled:
                require(organization.entitlements, organization_id, module.entitlement)
            saved = await tx.save_switch(ModuleSwitch(organization_id, module.id, group_id, enabled, 0), now)
            if saved is not None:
                await tx.record_events(ModuleSwitched(principal, now, saved))
                organization = await tx.organization_access(organization_id)
                assert organization is not None
        self._organizations.drop(organization_id)  # this replica answers the new state at once
        return module_state(module, organization)

    async def check(self, principal: Principal, organization_id: str, member_id: str, module_id: str) -> AccessDecision:
        [decision] = await self.check_many(principal, organization_id, [(member_id, module_id)])
        return decision

    async def check_many(
        self, principal: Principal, organization_id: str, checks: list[tuple[str, str]]
    ) -> list[AccessDecision]:
        principal.authorize(MEMBERS_READ, organization_id)
        if len(checks) > MAX_BATCH_CHECKS:
            raise InvalidArgument(
                f"At most {MAX_BATCH_CHECKS} checks in one call.",
                [FieldViolation("checks", f"at most {MAX_BATCH_CHECKS}")],
            )
        organization = await self._organization(organization_id)
        decisions = []
        for member_id, module_id in checks:
            module = self._catalogue.module(module_id)
            if module is None:
                decisions.append(AccessDecision(member_id, module_id, False, NO_SUCH_MODULE))
                continue
            member = organization.members.get(member_id)
            decisions.append(decide(module_state(module, organization), member, member_id))
        return decisions
