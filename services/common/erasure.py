"""Deleting one organization's rows from a service's own database, for the organization's deletion (membership's
`organization.deleted` event, or membership's own deletion worker).

Every table with an `organization_id` column loses the organization's rows, children before parents (the
metadata's dependency order reversed), except the tables a service names as what it keeps (its README says why);
the idempotency keys scoped to the organization go too. Rows reached only through a parent (a connection's
certificates) are the service's own business: it deletes them before calling this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import MetaData, Table, delete
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.idempotency import TABLE_NAME as IDEMPOTENCY_TABLE_NAME

ORGANIZATION_COLUMN = "organization_id"
# The event every service deletes its data of an organization on (membership publishes it).
ORGANIZATION_DELETED = "membership.organization.deleted"


def organization_tables(
    metadatas: Iterable[MetaData], keep: Iterable[str] = (), include: Callable[[Table], bool] = lambda _: True
) -> list[Table]:
    """The tables holding an organization's rows (those `include` accepts, but none named in `keep`), in an order
    that deletes children before parents."""
    kept = set(keep)
    tables: list[Table] = []
    for metadata in metadatas:
        tables += [
            table
            for table in reversed(metadata.sorted_tables)
            if ORGANIZATION_COLUMN in table.c and table.name not in kept and include(table)
        ]
    return tables


async def erase_organization(
    connection: AsyncConnection,
    metadatas: Iterable[MetaData],
    organization_id: str,
    keep: Iterable[str] = (),
    include: Callable[[Table], bool] = lambda _: True,
) -> dict[str, int]:
    """Delete the organization's rows in the caller's transaction; returns the rows deleted per table."""
    metadatas = list(metadatas)
    deleted: dict[str, int] = {}
    for table in organization_tables(metadatas, keep, include):
        result = await connection.execute(delete(table).where(table.c[ORGANIZATION_COLUMN] == organization_id))
        if result.rowcount:
            deleted[table.name] = result.rowcount
    for metadata in metadatas:
        keys = metadata.tables.get(IDEMPOTENCY_TABLE_NAME)
        if keys is not None:  # their scope is the caller's organization (services/common/idempotency.py)
            result = await connection.execute(delete(keys).where(keys.c.scope == organization_id))
            if result.rowcount:
                deleted[keys.name] = result.rowcount
    return deleted
