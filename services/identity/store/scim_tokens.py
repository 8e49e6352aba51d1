"""SCIM tokens' queries, part of identity's transaction (SqlIdentityTransaction mixes them in)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update

from services.identity.domain.scim_tokens import ScimToken
from services.identity.store.queries import Queries, entity_of, row_of
from services.identity.store.tables import scim_tokens


class ScimTokenQueries(Queries):
    async def insert_scim_token(self, token: ScimToken) -> None:
        await self.connection.execute(insert(scim_tokens).values(row_of(token)))

    async def find_scim_token_by_prefix(self, prefix: str) -> ScimToken | None:
        row = await self._one(select(scim_tokens).where(scim_tokens.c.prefix == prefix))
        return entity_of(ScimToken, row) if row else None

    async def get_scim_token(self, organization_id: str, token_id: str) -> ScimToken | None:
        row = await self._one(
            select(scim_tokens).where(scim_tokens.c.organization_id == organization_id, scim_tokens.c.id == token_id)
        )
        return entity_of(ScimToken, row) if row else None

    async def touch_scim_token(self, token_id: str, used_at: datetime) -> None:
        await self.connection.execute(
            update(scim_tokens).where(scim_tokens.c.id == token_id).values(last_used_at=used_at)
        )

    async def list_scim_tokens(self, organization_id: str, include_inactive: bool, now: datetime) -> list[ScimToken]:
        statement = select(scim_tokens).where(scim_tokens.c.organization_id == organization_id)
        if not include_inactive:
            statement = statement.where(
                scim_tokens.c.revoked_at.is_(None),
                (scim_tokens.c.expires_at.is_(None)) | (scim_tokens.c.expires_at > now),
            )
        rows = await self.connection.execute(
            statement.order_by(scim_tokens.c.created_at.desc(), scim_tokens.c.id.desc()).limit(100)
        )
        return [entity_of(ScimToken, row) for row in rows]

    async def revoke_scim_token(self, token_id: str, now: datetime) -> bool:
        return await self._set_once(scim_tokens, token_id, "revoked_at", now)

    async def expire_scim_token(self, token_id: str, expires_at: datetime) -> None:
        """A rotated token works until the overlap ends (never longer than it would have)."""
        await self.connection.execute(
            update(scim_tokens)
            .where(
                scim_tokens.c.id == token_id,
                (scim_tokens.c.expires_at.is_(None)) | (scim_tokens.c.expires_at > expires_at),
            )
            .values(expires_at=expires_at)
        )
