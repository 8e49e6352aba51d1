"""SQL of module switches and of what the access check reads: one organization's switches and entitlements, one
member's status and groups."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import and_, insert, select, update
from tenantry.events.v1 import envelope_pb2

from services.common.clock import Clock
from services.common.db import Database
from services.common.domain import DomainEvent
from services.common.entitlements import load_entitlements
from services.common.messaging import Outbox
from services.common.store import OutboxStore, OutboxTransaction
from services.membership.domain.access import MemberAccess, ModuleSwitch, OrganizationAccess
from services.membership.domain.roles import BUILT_IN_ROLES, is_seat_consuming
from services.membership.store.tables import (
    custom_roles,
    entitlements,
    group_members,
    groups,
    members,
    module_switches,
    organizations,
)


def _uses_seat(role: str, seat: bool | None, custom_permissions: str | None) -> bool:
    """The member's own seat switch, else what their role (built-in or custom) grants."""
    if seat is not None:
        return bool(seat)
    granted = frozenset(json.loads(custom_permissions)) if custom_permissions else BUILT_IN_ROLES.get(role, frozenset())
    return is_seat_consuming(granted)


class SqlAccessTransaction(OutboxTransaction):
    async def organization_access(self, organization_id: str, with_members: bool = False) -> OrganizationAccess | None:
        exists = await self.connection.scalar(select(organizations.c.id).where(organizations.c.id == organization_id))
        if exists is None:
            return None
        rows = await self.connection.execute(
            select(module_switches).where(module_switches.c.organization_id == organization_id)
        )
        switches = tuple(
            ModuleSwitch(row.organization_id, row.module_id, row.group_id, bool(row.enabled), row.version)
            for row in rows
        )
        found = await load_entitlements(self.connection, entitlements, organization_id)
        return OrganizationAccess(found, switches, await self._members(organization_id) if with_members else {})

    async def _members(self, organization_id: str) -> dict[str, MemberAccess]:
        """Every member's status, seat and groups: two indexed reads of the organization."""
        statuses = await self.connection.execute(
            select(members.c.id, members.c.status, members.c.role, members.c.seat, custom_roles.c.permissions)
            .select_from(
                members.outerjoin(
                    custom_roles,
                    and_(
                        custom_roles.c.organization_id == members.c.organization_id,
                        custom_roles.c.key == members.c.role,
                    ),
                )
            )
            .where(members.c.organization_id == organization_id)
        )
        groups_of: dict[str, set[str]] = {}
        # Through groups (indexed by organization) and group_members' primary key (group_id first).
        memberships = await self.connection.execute(
            select(group_members.c.member_id, group_members.c.group_id)
            .join(groups, groups.c.id == group_members.c.group_id)
            .where(groups.c.organization_id == organization_id)
        )
        for member_id, group_id in memberships:
            groups_of.setdefault(member_id, set()).add(group_id)
        return {
            member_id: MemberAccess(
                member_id, status, frozenset(groups_of.get(member_id, ())), _uses_seat(role, seat, custom)
            )
            for member_id, status, role, seat, custom in statuses
        }

    async def group_exists(self, organization_id: str, group_id: str) -> bool:
        found = await self.connection.scalar(
            select(groups.c.id).where(groups.c.organization_id == organization_id, groups.c.id == group_id)
        )
        return found is not None

    async def save_switch(self, switch: ModuleSwitch, now: datetime) -> ModuleSwitch | None:
        key = (
            module_switches.c.organization_id == switch.organization_id,
            module_switches.c.module_id == switch.module_id,
            module_switches.c.group_id == switch.group_id,
        )
        current = (await self.connection.execute(select(module_switches).where(*key).with_for_update())).first()
        if current is None:
            saved = ModuleSwitch(switch.organization_id, switch.module_id, switch.group_id, switch.enabled, 1)
            await self.connection.execute(
                insert(module_switches).values(
                    organization_id=saved.organization_id, module_id=saved.module_id, group_id=saved.group_id,
                    enabled=saved.enabled, version=saved.version, updated_at=now,
                )
            )  # fmt: skip
            return saved
        if bool(current.enabled) == switch.enabled:
            return None
        saved = ModuleSwitch(
            switch.organization_id, switch.module_id, switch.group_id, switch.enabled, current.version + 1
        )
        await self.connection.execute(
            update(module_switches).where(*key).values(enabled=saved.enabled, version=saved.version, updated_at=now)
        )
        return saved


class SqlAccessStore(OutboxStore[SqlAccessTransaction]):
    def __init__(
        self, db: Database, outbox: Outbox, clock: Clock, to_envelope: Callable[[DomainEvent], envelope_pb2.Envelope]
    ):
        super().__init__(SqlAccessTransaction, db, outbox, clock, to_envelope)
