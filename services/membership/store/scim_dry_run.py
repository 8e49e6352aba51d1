"""SCIM provisioning settings and dry-run records, part of membership's transaction (SqlMembershipTransaction
mixes them in)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.membership.domain.scim_dry_run import DryRunChange, DryRunKind, ProvisioningSettings
from services.membership.store.tables import scim_dry_run_changes, scim_provisioning_settings


class ScimDryRunQueries:
    connection: AsyncConnection

    async def provisioning_settings(self, organization_id: str) -> ProvisioningSettings:
        row = (
            await self.connection.execute(
                select(scim_provisioning_settings).where(
                    scim_provisioning_settings.c.organization_id == organization_id
                )
            )
        ).first()
        if row is None:
            return ProvisioningSettings()
        return ProvisioningSettings(bool(row.dry_run), bool(row.auto_purchase_seats), int(row.max_seats))

    async def save_provisioning_settings(self, organization_id: str, settings: ProvisioningSettings) -> None:
        values = {
            "dry_run": settings.dry_run,
            "auto_purchase_seats": settings.auto_purchase_seats,
            "max_seats": settings.max_seats,
        }
        updated = await self.connection.execute(
            update(scim_provisioning_settings)
            .where(scim_provisioning_settings.c.organization_id == organization_id)
            .values(**values)
        )
        if not updated.rowcount:
            await self.connection.execute(
                insert(scim_provisioning_settings).values(organization_id=organization_id, **values)
            )

    async def record_dry_run_change(self, change: DryRunChange) -> None:
        await self.connection.execute(
            insert(scim_dry_run_changes).values(
                id=change.id,
                organization_id=change.organization_id,
                kind=change.kind.value,
                target_id=change.target_id,
                target=change.target,
                target_key=change.target.lower(),
                summary=change.summary,
                actor_id=change.actor_id,
                recorded_at=change.recorded_at,
                deprovision=change.deprovision,
            )
        )

    async def count_dry_run_deprovisions_since(self, organization_id: str, since: datetime) -> int:
        table = scim_dry_run_changes.c
        counted = await self.connection.scalar(
            select(func.count())
            .select_from(scim_dry_run_changes)
            .where(table.organization_id == organization_id, table.deprovision, table.recorded_at >= since)
        )
        return int(counted or 0)

    async def dry_run_changes(
        self, organization_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[DryRunChange]:
        table = scim_dry_run_changes.c
        query = select(scim_dry_run_changes).where(table.organization_id == organization_id)
        if after is not None:
            at, last_id = after
            query = query.where(or_(table.recorded_at > at, and_(table.recorded_at == at, table.id > last_id)))
        rows = await self.connection.execute(query.order_by(table.recorded_at, table.id).limit(limit))
        return [
            DryRunChange(
                row.id,
                row.organization_id,
                DryRunKind(row.kind),
                row.target_id,
                row.target,
                row.summary,
                row.actor_id,
                row.recorded_at,
                row.deprovision,
            )
            for row in rows
        ]

    async def clear_dry_run_changes(self, organization_id: str) -> int:
        deleted = await self.connection.execute(
            delete(scim_dry_run_changes).where(scim_dry_run_changes.c.organization_id == organization_id)
        )
        return int(deleted.rowcount or 0)

    async def dry_run_created_id(self, organization_id: str, kind: DryRunKind, target: str) -> str | None:
        table = scim_dry_run_changes.c
        found = await self.connection.scalar(
            select(table.target_id)
            .where(table.organization_id == organization_id, table.kind == kind.value, table.target_key == target)
            .order_by(table.recorded_at, table.id)
            .limit(1)
        )
        return str(found) if found is not None else None

    async def dry_run_created_target(self, organization_id: str, kind: DryRunKind, target_id: str) -> str | None:
        table = scim_dry_run_changes.c
        found = await self.connection.scalar(
            select(table.target)
            .where(table.organization_id == organization_id, table.kind == kind.value, table.target_id == target_id)
            .limit(1)
        )
        return str(found) if found is not None else None
