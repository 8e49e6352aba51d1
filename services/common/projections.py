"""Read models fed by events: apply a row only when it is newer than the one held, so out-of-order
deliveries and replays from the start of a stream end in the same state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, and_, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection


async def upsert_if_newer(
    connection: AsyncConnection, table: Table, key: dict[str, Any], values: dict[str, Any], version: int
) -> bool:
    """Insert the row, or update it if `version` is greater than the stored one; True if applied."""
    matches = and_(*(table.c[name] == value for name, value in key.items()))
    result = await connection.execute(
        update(table).where(matches, table.c.version < version).values(**values, version=version)
    )
    if result.rowcount:
        return True
    if await connection.scalar(select(table.c.version).where(matches)) is not None:
        return False
    await connection.execute(insert(table).values(**key, **values, version=version))
    return True
