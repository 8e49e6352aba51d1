"""Profile fields' and members' profile values' queries, part of membership's transaction
(SqlMembershipTransaction mixes them in)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.membership.domain.model import FieldType, ProfileField
from services.membership.store.tables import member_profile_values, profile_fields


class ProfileQueries:
    """Profile fields and members' values (mixed into membership's transaction)."""

    connection: AsyncConnection

    async def profile_fields(self, organization_id: str) -> list[ProfileField]:
        rows = await self.connection.execute(
            select(profile_fields)
            .where(profile_fields.c.organization_id == organization_id)
            .order_by(profile_fields.c.position, profile_fields.c.key)
        )
        return [
            ProfileField(r.key, r.label, FieldType(r.type), tuple(json.loads(r.choices)), r.shown, r.position)
            for r in rows
        ]

    async def profile_field_in_use(self, organization_id: str, key: str) -> bool:
        found = await self.connection.scalar(
            select(member_profile_values.c.member_id)
            .where(member_profile_values.c.organization_id == organization_id, member_profile_values.c.key == key)
            .limit(1)
        )
        return found is not None

    async def save_profile_field(self, organization_id: str, field: ProfileField, now: datetime) -> None:
        values = {
            "label": field.label,
            "type": field.type.value,
            "choices": json.dumps(list(field.choices)),
            "shown": field.shown,
            "position": field.position,
            "updated_at": now,
        }
        updated = await self.connection.execute(
            update(profile_fields)
            .where(profile_fields.c.organization_id == organization_id, profile_fields.c.key == field.key)
            .values(**values)
        )
        if not updated.rowcount:
            await self.connection.execute(
                insert(profile_fields).values(organization_id=organization_id, key=field.key, **values)
            )

    async def delete_profile_field(self, organization_id: str, key: str) -> None:
        await self.connection.execute(
            delete(member_profile_values).where(
                member_profile_values.c.organization_id == organization_id, member_profile_values.c.key == key
            )
        )
        await self.connection.execute(
            delete(profile_fields).where(
                profile_fields.c.organization_id == organization_id, profile_fields.c.key == key
            )
        )

    async def member_profiles(self, organization_id: str, member_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        rows = await self.connection.execute(
            select(member_profile_values).where(
                member_profile_values.c.organization_id == organization_id,
                member_profile_values.c.member_id.in_(list(member_ids)),
            )
        )
        profiles: dict[str, dict[str, str]] = {}
        for row in rows:
            profiles.setdefault(row.member_id, {})[row.key] = row.value
        return profiles

    async def set_member_profile(self, organization_id: str, member_id: str, values: dict[str, str]) -> None:
        """Write the given values; an empty value deletes the key."""
        await self.connection.execute(
            delete(member_profile_values).where(
                member_profile_values.c.member_id == member_id, member_profile_values.c.key.in_(list(values))
            )
        )
        kept = [
            {"member_id": member_id, "key": key, "organization_id": organization_id, "value": value}
            for key, value in values.items()
            if value
        ]
        if kept:
            await self.connection.execute(insert(member_profile_values), kept)
