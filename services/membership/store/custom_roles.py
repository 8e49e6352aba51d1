"""SQL of custom roles: an organization's roles beside the built-in ones, and whether a member still holds one."""

from __future__ import annotations

import json

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.membership.domain.model import CustomRole
from services.membership.store.tables import custom_roles, members


class CustomRoleQueries:
    """Mixed into the membership transaction (whose `connection` it uses)."""

    connection: AsyncConnection

    async def custom_roles(self, organization_id: str) -> list[CustomRole]:
        rows = await self.connection.execute(
            select(custom_roles).where(custom_roles.c.organization_id == organization_id).order_by(custom_roles.c.key)
        )
        return [
            CustomRole(r.organization_id, r.key, r.name, frozenset(json.loads(r.permissions)), r.created_at, r.version)
            for r in rows
        ]

    async def save_custom_role(self, role: CustomRole, is_new: bool) -> None:
        values = {"name": role.name, "permissions": json.dumps(sorted(role.permissions)), "version": role.version}
        if is_new:
            await self.connection.execute(
                insert(custom_roles).values(
                    organization_id=role.organization_id, key=role.key, created_at=role.created_at, **values
                )
            )
        else:
            await self.connection.execute(
                update(custom_roles)
                .where(custom_roles.c.organization_id == role.organization_id, custom_roles.c.key == role.key)
                .values(**values)
            )

    async def delete_custom_role(self, organization_id: str, key: str) -> None:
        await self.connection.execute(
            delete(custom_roles).where(custom_roles.c.organization_id == organization_id, custom_roles.c.key == key)
        )

    async def role_in_use(self, organization_id: str, key: str) -> bool:
        found = await self.connection.scalar(
            select(members.c.id).where(members.c.organization_id == organization_id, members.c.role == key).limit(1)
        )
        return found is not None
