"""API keys and service accounts."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Row, func, insert, select, update

from services.common.entitlements import OrganizationEntitlements, load_entitlements
from services.identity.domain.model import ApiKey
from services.identity.store.queries import Queries, entity_of, row_of
from services.identity.store.tables import api_keys, entitlements


def _api_key(row: Row) -> ApiKey:
    return replace(entity_of(ApiKey, row), permissions=frozenset(json.loads(row.permissions)))


class ApiKeyQueries(Queries):
    async def insert_api_key(self, api_key: ApiKey) -> None:
        await self.connection.execute(
            insert(api_keys).values(row_of(api_key, permissions=json.dumps(sorted(api_key.permissions))))
        )

    async def find_api_key_by_prefix(self, prefix: str) -> ApiKey | None:
        row = await self._one(select(api_keys).where(api_keys.c.prefix == prefix))
        return _api_key(row) if row else None

    async def get_api_key(self, organization_id: str, api_key_id: str) -> ApiKey | None:
        row = await self._one(
            select(api_keys).where(api_keys.c.organization_id == organization_id, api_keys.c.id == api_key_id)
        )
        return _api_key(row) if row else None

    async def count_active_api_keys(self, organization_id: str, now: datetime) -> int:
        """API keys and service accounts neither revoked nor expired."""
        count = await self.connection.scalar(
            select(func.count()).where(
                api_keys.c.organization_id == organization_id,
                api_keys.c.revoked_at.is_(None),
                (api_keys.c.expires_at.is_(None)) | (api_keys.c.expires_at > now),
            )
        )
        return int(count or 0)

    async def organization_entitlements(self, organization_id: str) -> OrganizationEntitlements | None:
        return await load_entitlements(self.connection, entitlements, organization_id)

    async def lock_entitlements(self, organization_id: str) -> OrganizationEntitlements | None:
        """The organization's entitlements, its row locked (PostgreSQL) so that two replicas creating keys at once
        count one after the other; SQLite's write transactions already exclude each other."""
        return await load_entitlements(self.connection, entitlements, organization_id, for_update=True)

    async def touch_api_key(self, api_key_id: str, used_at: datetime) -> None:
        await self.connection.execute(update(api_keys).where(api_keys.c.id == api_key_id).values(last_used_at=used_at))

    async def list_api_keys(self, organization_id: str, include_inactive: bool, now: datetime) -> list[ApiKey]:
        statement = select(api_keys).where(api_keys.c.organization_id == organization_id)
        if not include_inactive:
            statement = statement.where(
                api_keys.c.revoked_at.is_(None), (api_keys.c.expires_at.is_(None)) | (api_keys.c.expires_at > now)
            )
        rows = await self.connection.execute(statement.order_by(api_keys.c.created_at.desc()).limit(1000))
        return [_api_key(row) for row in rows]

    async def revoke_api_key(self, api_key_id: str, now: datetime) -> bool:
        return await self._set_once(api_keys, api_key_id, "revoked_at", now)
