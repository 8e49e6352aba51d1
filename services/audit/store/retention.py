"""Audit's retention queries: the settings, and deleting the oldest entries of a chain."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy import Row, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.audit.domain.retention import RetentionSetting
from services.audit.store.sql import SqlAuditTransaction
from services.audit.store.tables import audit_entries, chain_heads, entitlements, retention_settings
from services.common.db import Database
from services.common.entitlements import OrganizationEntitlements, load_entitlements


def _setting(row: Row) -> RetentionSetting:
    return RetentionSetting(row.organization_id, row.days, bool(row.legal_hold), row.legal_hold_reason, row.updated_at)


class SqlRetentionTransaction(SqlAuditTransaction):
    async def retention_setting(self, organization_id: str) -> RetentionSetting | None:
        statement = select(retention_settings).where(retention_settings.c.organization_id == organization_id)
        row = (await self.connection.execute(statement)).first()
        return _setting(row) if row else None

    async def put_retention_setting(self, setting: RetentionSetting) -> None:
        values = {
            "days": setting.days,
            "legal_hold": setting.legal_hold,
            "legal_hold_reason": setting.legal_hold_reason,
            "updated_at": setting.updated_at,
        }
        changed = await self.connection.execute(
            update(retention_settings)
            .where(retention_settings.c.organization_id == setting.organization_id)
            .values(**values)
        )
        if not changed.rowcount:
            await self.connection.execute(
                insert(retention_settings).values(organization_id=setting.organization_id, **values)
            )

    async def organizations_to_prune(self) -> list[str]:
        held = select(retention_settings.c.organization_id).where(retention_settings.c.legal_hold.is_(True))
        rows = await self.connection.execute(
            select(chain_heads.c.organization_id)
            .where(chain_heads.c.organization_id.not_in(held))
            .order_by(chain_heads.c.organization_id)
        )
        return [row.organization_id for row in rows]

    async def entitlements_of(self, organization_id: str) -> OrganizationEntitlements | None:
        return await load_entitlements(self.connection, entitlements, organization_id)

    async def prunable_through(self, organization_id: str, before: datetime) -> tuple[int, int]:
        """(first kept sequence, last sequence of the prefix recorded before `before`): by when entries were
        recorded, which only grows along the chain, never by when the producer says they happened."""
        entries = audit_entries.c
        first = await self.connection.scalar(
            select(func.min(entries.sequence)).where(entries.organization_id == organization_id)
        )
        first_recent = await self.connection.scalar(
            select(func.min(entries.sequence)).where(
                entries.organization_id == organization_id, entries.recorded_at >= before
            )
        )
        if first is None:
            return 0, 0
        if first_recent is None:
            last = await self.connection.scalar(
                select(func.max(entries.sequence)).where(entries.organization_id == organization_id)
            )
            return int(first), int(last)
        return int(first), int(first_recent) - 1

    async def hash_at(self, organization_id: str, sequence: int) -> str:
        entries = audit_entries.c
        value = await self.connection.scalar(
            select(entries.hash).where(entries.organization_id == organization_id, entries.sequence == sequence)
        )
        return str(value)

    async def delete_through(self, organization_id: str, sequence: int) -> int:
        entries = audit_entries.c
        result = await self.connection.execute(
            delete(audit_entries).where(entries.organization_id == organization_id, entries.sequence <= sequence)
        )
        return int(result.rowcount)


class SqlRetentionStore:
    def __init__(self, db: Database):
        self._db = db

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlRetentionTransaction]:
        async with self._db.read() as connection:
            yield SqlRetentionTransaction(connection)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlRetentionTransaction]:
        async with self._db.write() as connection:
            yield SqlRetentionTransaction(connection)

    def bind(self, connection: AsyncConnection) -> SqlRetentionTransaction:
        return SqlRetentionTransaction(connection)
