"""Pictures' queries (members' avatars, the organization's logo), part of membership's transaction
(SqlMembershipTransaction mixes them in)."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.membership.domain.model import Avatar
from services.membership.store.tables import member_avatars, organization_logos


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

    async def logo(self, organization_id: str) -> Avatar | None:
        row = (
            await self.connection.execute(
                select(organization_logos).where(organization_logos.c.organization_id == organization_id)
            )
        ).first()
        return Avatar(row.content_type, bytes(row.data), row.etag, row.updated_at) if row else None

    async def put_logo(self, organization_id: str, logo: Avatar | None) -> None:
        """The organization's logo replaced, or removed (None)."""
        table = organization_logos
        await self.connection.execute(delete(table).where(table.c.organization_id == organization_id))
        if logo is not None:
            await self.connection.execute(
                insert(table).values(
                    organization_id=organization_id,
                    content_type=logo.content_type,
                    data=logo.data,
                    etag=logo.etag,
                    updated_at=logo.updated_at,
                )
            )
