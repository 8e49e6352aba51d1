"""Audit's SQL of an organization's deletion (domain/organization_deletion.py): the log (entries, checkpoints,
retention setting), the rest of what audit keeps of the organization, and the analytics roll-ups."""

from __future__ import annotations

from sqlalchemy import Table, delete
from sqlalchemy.ext.asyncio import AsyncConnection

from services.audit.store import analytics_tables
from services.audit.store import export_jobs as export_job_tables  # noqa: F401  (its tables in the metadata)
from services.audit.store import log_streams as log_stream_tables  # noqa: F401  (its table in the metadata)
from services.audit.store.retention import SqlRetentionTransaction
from services.audit.store.tables import audit_entries, chain_heads, checkpoints, metadata, retention_settings
from services.common.erasure import erase_organization

# The log, deleted unless held; the chain head stays in every case (the deletion entry is chained after it).
LOG_TABLES = frozenset({audit_entries.name, checkpoints.name, retention_settings.name})
KEPT_TABLES = LOG_TABLES | {chain_heads.name}
ANALYTICS_TABLES = frozenset(
    value.name
    for value in vars(analytics_tables).values()
    if isinstance(value, Table) and value.name.startswith("analytics_")
)


class SqlOrganizationDeletionTransaction(SqlRetentionTransaction):
    async def delete_log(self, organization_id: str) -> int:
        result = await self.connection.execute(
            delete(audit_entries).where(audit_entries.c.organization_id == organization_id)
        )
        for table in (checkpoints, retention_settings):
            await self.connection.execute(delete(table).where(table.c.organization_id == organization_id))
        return int(result.rowcount)

    async def delete_organization_rest(self, organization_id: str) -> None:
        await erase_organization(
            self.connection,
            [metadata],
            organization_id,
            keep=KEPT_TABLES,
            include=lambda table: table.name not in ANALYTICS_TABLES,
        )


async def delete_analytics(connection: AsyncConnection, organization_id: str) -> int:
    """Every analytics roll-up of the organization; returns the rows deleted."""
    deleted = await erase_organization(
        connection, [metadata], organization_id, include=lambda table: table.name in ANALYTICS_TABLES
    )
    return sum(deleted.values())
