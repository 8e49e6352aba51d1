"""Pictures' queries (members' avatars, the organization's logo), part of membership's transaction
(SqlMembershipTransaction mixes them in). Both tables hold one picture per key, read and replaced the same way."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ColumnElement, Table, and_, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.membership.domain.model import Avatar
from services.membership.store.tables import member_avatars, organization_logos


class AvatarQueries:
    connection: AsyncConnection

    async def avatar(self, organization_id: str, member_id: str) -> Avatar | None:
        return await self._picture(member_avatars, {"organization_id": organization_id, "member_id": member_id})

    async def put_avatar(self, organization_id: str, member_id: str, avatar: Avatar | None) -> None:
        """The member's picture replaced, or removed (None)."""
        await self._put_picture(member_avatars, {"organization_id": organization_id, "member_id": member_id}, avatar)

    async def logo(self, organization_id: str) -> Avatar | None:
        return await self._picture(organization_logos, {"organization_id": organization_id})

    async def put_logo(self, organization_id: str, logo: Avatar | None) -> None:
        """The organization's logo replaced, or removed (None)."""
        await self._put_picture(organization_logos, {"organization_id": organization_id}, logo)

    async def _picture(self, table: Table, key: Mapping[str, str]) -> Avatar | None:
        row = (await self.connection.execute(select(table).where(_matching(table, key)))).first()
        return Avatar(row.content_type, bytes(row.data), row.etag, row.updated_at) if row else None

    async def _put_picture(self, table: Table, key: Mapping[str, str], picture: Avatar | None) -> None:
        await self.connection.execute(delete(table).where(_matching(table, key)))
        if picture is not None:
            await self.connection.execute(
                insert(table).values(
                    **key,
                    content_type=picture.content_type,
                    data=picture.data,
                    etag=picture.etag,
                    updated_at=picture.updated_at,
                )
            )


def _matching(table: Table, key: Mapping[str, str]) -> ColumnElement[bool]:
    return and_(*(table.c[name] == value for name, value in key.items()))
