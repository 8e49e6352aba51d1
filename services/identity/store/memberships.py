"""Identity's projection of membership: who holds which permissions in which organization."""

from __future__ import annotations

import json

from sqlalchemy import Row, select

from services.common.projections import upsert_if_newer
from services.identity.domain.model import Membership
from services.identity.store.queries import Queries
from services.identity.store.tables import memberships


def _membership(row: Row) -> Membership:
    return Membership(
        row.organization_id,
        row.member_id,
        row.account_id,
        frozenset(json.loads(row.permissions)),
        row.status,
        row.version,
    )


class MembershipQueries(Queries):
    async def active_memberships(self, account_id: str) -> list[Membership]:
        rows = await self.connection.execute(
            select(memberships)
            .where(memberships.c.account_id == account_id, memberships.c.status == "active")
            .order_by(memberships.c.member_id)
        )
        return [_membership(row) for row in rows]

    async def get_membership(self, organization_id: str, account_id: str) -> Membership | None:
        row = await self._one(
            select(memberships).where(
                memberships.c.organization_id == organization_id, memberships.c.account_id == account_id
            )
        )
        return _membership(row) if row else None

    async def upsert_membership(self, membership: Membership) -> bool:
        """Apply a member's state if it is newer than what we hold (out-of-order and replay safe)."""
        return await upsert_if_newer(
            self.connection,
            memberships,
            {"organization_id": membership.organization_id, "member_id": membership.member_id},
            {
                "account_id": membership.account_id,
                "permissions": json.dumps(sorted(membership.permissions)),
                "status": membership.status,
            },
            membership.version,
        )
