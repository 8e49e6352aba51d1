"""Pending OIDC logins: written when a sign-in starts, consumed exactly once by the browser that started it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert

from services.identity.domain.oidc import PendingOidcLogin
from services.identity.store.queries import Queries, entity_of, row_of
from services.identity.store.tables import oidc_logins


class OidcLoginQueries(Queries):
    async def insert_oidc_login(self, login: PendingOidcLogin) -> None:
        await self.connection.execute(insert(oidc_logins).values(row_of(login)))

    async def consume_oidc_login(self, state_hash: str, binding_hash: str, now: datetime) -> PendingOidcLogin | None:
        """The pending login of this state and browser, deleted in the same statement: of two replicas (or a
        replayed callback) racing on one state, one gets the row and the other None. A wrong binding leaves
        the row for the browser that owns it."""
        result = await self.connection.execute(
            delete(oidc_logins)
            .where(
                oidc_logins.c.state_hash == state_hash,
                oidc_logins.c.binding_hash == binding_hash,
                oidc_logins.c.expires_at > now,
            )
            .returning(*oidc_logins.c)
        )
        row = result.first()
        return entity_of(PendingOidcLogin, row) if row else None

    async def delete_expired_oidc_logins(self, now: datetime, limit: int = 1000) -> int:
        """Forget sign-ins never completed (bounded, so a sweep never holds a long lock)."""
        expired = (
            oidc_logins.select().with_only_columns(oidc_logins.c.state_hash).where(oidc_logins.c.expires_at <= now)
        ).limit(limit)
        result = await self.connection.execute(delete(oidc_logins).where(oidc_logins.c.state_hash.in_(expired)))
        return int(result.rowcount or 0)
