"""Sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update

from services.identity.domain.model import Session
from services.identity.store.queries import Queries, entity_of, row_of
from services.identity.store.tables import sessions


class SessionQueries(Queries):
    async def insert_session(self, session: Session) -> None:
        await self.connection.execute(insert(sessions).values(row_of(session)))

    async def find_session_by_token_hash(self, token_hash: str) -> Session | None:
        row = await self._one(select(sessions).where(sessions.c.token_hash == token_hash))
        return entity_of(Session, row) if row else None

    async def get_session(self, session_id: str) -> Session | None:
        row = await self._one(select(sessions).where(sessions.c.id == session_id))
        return entity_of(Session, row) if row else None

    async def touch_session(self, session_id: str, seen_at: datetime) -> None:
        await self.connection.execute(update(sessions).where(sessions.c.id == session_id).values(last_seen_at=seen_at))

    async def revoke_session(self, session_id: str, revoked_at: datetime) -> bool:
        return await self._set_once(sessions, session_id, "revoked_at", revoked_at)

    async def open_sessions(self, account_id: str, organization_id: str, now: datetime) -> list[Session]:
        rows = await self.connection.execute(
            select(sessions)
            .where(
                sessions.c.account_id == account_id,
                sessions.c.organization_id == organization_id,
                sessions.c.revoked_at.is_(None),
                sessions.c.expires_at > now,
            )
            .order_by(sessions.c.created_at.desc())
            .limit(500)
        )
        return [entity_of(Session, row) for row in rows]

    async def revoke_sessions(
        self, account_id: str, organization_id: str | None, now: datetime, keep_session_id: str = ""
    ) -> list[Session]:
        """End every open session of the account (in one organization, or everywhere); returns those ended."""
        conditions = [sessions.c.account_id == account_id, sessions.c.revoked_at.is_(None)]
        if organization_id is not None:
            conditions.append(sessions.c.organization_id == organization_id)
        if keep_session_id:
            conditions.append(sessions.c.id != keep_session_id)
        rows = (await self.connection.execute(select(sessions).where(*conditions))).all()
        if rows:
            await self.connection.execute(
                update(sessions).where(sessions.c.id.in_([r.id for r in rows])).values(revoked_at=now)
            )
        return [entity_of(Session, row) for row in rows]

    async def revoke_organization_sessions(self, organization_id: str, now: datetime) -> list[Session]:
        """End every open session in the organization (it ended); returns those ended."""
        rows = (
            await self.connection.execute(
                select(sessions).where(sessions.c.organization_id == organization_id, sessions.c.revoked_at.is_(None))
            )
        ).all()
        if rows:
            await self.connection.execute(
                update(sessions).where(sessions.c.id.in_([r.id for r in rows])).values(revoked_at=now)
            )
        return [entity_of(Session, row) for row in rows]

    async def require_session_rotation(self, account_id: str, organization_id: str) -> None:
        await self.connection.execute(
            update(sessions)
            .where(
                sessions.c.account_id == account_id,
                sessions.c.organization_id == organization_id,
                sessions.c.revoked_at.is_(None),
            )
            .values(rotate_required=True)
        )
