"""SQL of an organization's deletion: which organizations are due (billing's date or an Owner's early request),
the legal hold, and deleting every membership
row of one organization (services/common/erasure.py) with its tombstone in the same transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, or_, select, update

from services.common.erasure import erase_organization
from services.common.store import OutboxTransaction
from services.membership.domain.deletion import DeletionStatus
from services.membership.store.tables import deleted_organizations, metadata, organizations


class SqlDeletionTransaction(OutboxTransaction):
    async def deletion_status(self, organization_id: str, for_update: bool = False) -> DeletionStatus | None:
        statement = select(
            organizations.c.deletion_scheduled_at,
            organizations.c.deletion_hold,
            organizations.c.deletion_hold_reason,
            organizations.c.requested_deletion_at,
            organizations.c.deletion_requested_at,
            organizations.c.deletion_requested_by,
        ).where(organizations.c.id == organization_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await self.connection.execute(statement)).first()
        if row is not None:
            return DeletionStatus(
                organization_id,
                row.deletion_scheduled_at,
                bool(row.deletion_hold),
                row.deletion_hold_reason,
                requested_deletion_at=row.requested_deletion_at,
                requested_at=row.deletion_requested_at,
                requested_by=row.deletion_requested_by,
            )
        tombstone = (
            await self.connection.execute(
                select(deleted_organizations).where(deleted_organizations.c.id == organization_id)
            )
        ).first()
        if tombstone is None:
            return None
        return DeletionStatus(organization_id, tombstone.scheduled_at, deleted_at=tombstone.deleted_at)

    async def scheduled_before(self, now: datetime, limit: int) -> list[str]:
        rows = await self.connection.scalars(
            select(organizations.c.id)
            .where(
                or_(organizations.c.deletion_scheduled_at <= now, organizations.c.requested_deletion_at <= now),
                organizations.c.deletion_hold.is_(False),
            )
            .order_by(organizations.c.id)
            .limit(limit)
        )
        return list(rows)

    async def delete_organization(
        self, organization_id: str, deleted_at: datetime, scheduled_at: datetime | None
    ) -> None:
        await erase_organization(self.connection, [metadata], organization_id)
        await self.connection.execute(delete(organizations).where(organizations.c.id == organization_id))
        await self.connection.execute(
            insert(deleted_organizations).values(id=organization_id, deleted_at=deleted_at, scheduled_at=scheduled_at)
        )

    async def set_deletion_hold(self, organization_id: str, hold: bool, reason: str) -> None:
        await self.connection.execute(
            update(organizations)
            .where(organizations.c.id == organization_id)
            .values(deletion_hold=hold, deletion_hold_reason=reason)
        )

    async def organization_name(self, organization_id: str) -> str | None:
        name = await self.connection.scalar(
            select(organizations.c.display_name).where(organizations.c.id == organization_id)
        )
        return None if name is None else str(name)

    async def set_deletion_request(
        self, organization_id: str, requested_deletion_at: datetime | None, requested_at: datetime | None, by: str
    ) -> None:
        await self.connection.execute(
            update(organizations)
            .where(organizations.c.id == organization_id)
            .values(
                requested_deletion_at=requested_deletion_at,
                deletion_requested_at=requested_at,
                deletion_requested_by=by,
            )
        )
