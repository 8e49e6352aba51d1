"""Audit's projection of membership: the organizations an account's security events are copied into."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.audit.domain.security_events import VISIBLE_MEMBER_STATUSES
from services.audit.store.tables import account_memberships
from services.common.projections import upsert_if_newer


class SqlAccountMemberships:
    def __init__(self, connection: AsyncConnection):
        self.connection = connection

    async def apply(self, organization_id: str, member_id: str, account_id: str, status: str, version: int) -> None:
        """Keep the member's newest state (out-of-order and replay safe)."""
        await upsert_if_newer(
            self.connection,
            account_memberships,
            {"organization_id": organization_id, "member_id": member_id},
            {"account_id": account_id, "status": status},
            version,
        )

    async def organizations_of(self, account_id: str) -> list[str]:
        rows = await self.connection.execute(
            select(account_memberships.c.organization_id)
            .where(
                account_memberships.c.account_id == account_id,
                account_memberships.c.status.in_(sorted(VISIBLE_MEMBER_STATUSES)),
            )
            .distinct()
            .order_by(account_memberships.c.organization_id)
        )
        return [row.organization_id for row in rows]
