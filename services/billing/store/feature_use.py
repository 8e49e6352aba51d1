"""Billing's projection of what organizations use of their plans' features."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.billing.domain.feature_use import FeatureUse
from services.billing.store.tables import feature_uses
from services.common.projections import upsert_if_newer


class FeatureUseQueries:
    connection: AsyncConnection

    async def record_feature_use(self, organization_id: str, use: FeatureUse, in_use: bool, version: int) -> bool:
        """The use's state as of `version`; an older version changes nothing. True when applied."""
        return await upsert_if_newer(
            self.connection,
            feature_uses,
            {"organization_id": organization_id, "feature": use.feature, "subject_id": use.subject_id},
            {"subject_name": use.subject_name[:200], "in_use": in_use},
            version,
        )

    async def feature_uses(self, organization_id: str) -> list[FeatureUse]:
        table = feature_uses.c
        rows = await self.connection.execute(
            select(table.feature, table.subject_id, table.subject_name)
            .where(table.organization_id == organization_id, table.in_use)
            .order_by(table.feature, table.subject_name)
        )
        return [FeatureUse(row.feature, row.subject_id, row.subject_name) for row in rows]
