"""Members' pictures' queries, part of membership's transaction (SqlMembershipTransaction mixes them in)."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.membership.domain.model import Avatar
from services.membership.store.tables import member_avatars


class AvatarQueries:
    connection: AsyncConnection

    async def avatar(self, organization_id: str, member_id: str) -> Avatar | None:
        row = (
            await self.connection.execute(
                select(member_avatars).where(
                    member_avatars.c.organization_id == organization_id, member_avatars.c.member_id == member_id
                )
            )
        ).first()
        if row is None:
            return None
        return Avatar(row.content_type, bytes(row.data), row.etag, row.updated_at)

    async def put_avatar(self, organization_id: str, member_id: str, avatar: Avatar | None) -> None:
        """The member's picture replaced, or removed (None)."""
        await self.connection.execute(delete(member_avatars).where(member_avatars.c.member_id == member_id))
        if avatar is not None:
            await self.connection.execute(
                insert(member_avatars).values(
                    member_id=member_id,
                    organization_id=organization_id,
                    content_type=avatar.content_type,
                    data=avatar.data,
                    etag=avatar.etag,
                    updated_at=avatar.updated_at,
                )
            )
