"""Rows written by key in one statement (SQLite and PostgreSQL): read models fed by events apply a row only when
it is newer than the one held, so out-of-order deliveries and replays from the start of a stream end in the same
state; `insert_new` inserts unless the key is taken. One statement each: two writers racing cannot both insert, a
conflict never aborts the transaction, and the hot consumers pay one round trip instead of up to three."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def _insert(connection: AsyncConnection, table: Table) -> Any:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"unsupported database {dialect}")  # pragma: no cover - the two databases we support


def _first_key(table: Table) -> Any:
    return next(iter(table.primary_key.columns))


async def upsert_if_newer(
    connection: AsyncConnection, table: Table, key: dict[str, Any], values: dict[str, Any], version: int
) -> bool:
    """Insert the row, or update it if `version` is greater than the stored one; True if applied. `key` names the
    table's primary key (or a unique constraint)."""
    statement = _insert(connection, table).values(**key, **values, version=version)
    statement = statement.on_conflict_do_update(
        index_elements=list(key), set_={**values, "version": version}, where=table.c.version < version
    )
    # RETURNING, not rowcount: a row left as it was returns nothing on both databases.
    result = await connection.execute(statement.returning(_first_key(table)))
    return result.first() is not None


async def insert_new(
    connection: AsyncConnection, table: Table, values: dict[str, Any], key: list[str] | None = None
) -> bool:
    """Insert unless a row with the same key (the primary key, or the unique columns `key`) exists; True when
    inserted."""
    statement = _insert(connection, table).values(**values).on_conflict_do_nothing(index_elements=key)
    # RETURNING, not rowcount: PostgreSQL's driver counts a skipped row of ON CONFLICT DO NOTHING as written.
    result = await connection.execute(statement.returning(_first_key(table)))
    return result.first() is not None


async def add_to(connection: AsyncConnection, table: Table, key: dict[str, Any], column: str, amount: int = 1) -> None:
    """Add `amount` to a counter row, creating it at `amount`: one statement, so concurrent writers (replicas) never
    lose a count."""
    statement = _insert(connection, table).values(**key, **{column: amount})
    statement = statement.on_conflict_do_update(index_elements=list(key), set_={column: table.c[column] + amount})
    await connection.execute(statement)
