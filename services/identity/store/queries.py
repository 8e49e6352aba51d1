"""What every group of identity's queries shares: the connection of the transaction they run in, and the
mapping between entities and rows (a table's columns carry the names of its entity's fields)."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Row, Table, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

EntityT = TypeVar("EntityT", bound="DataclassInstance")


def entity_of(entity_class: type[EntityT], row: Row) -> EntityT:
    """The entity a row holds."""
    return entity_class(**{field.name: row._mapping[field.name] for field in fields(entity_class)})


def row_of(entity: DataclassInstance, **overrides: object) -> dict[str, object]:
    """The row that holds an entity; `overrides` for the columns stored in another form (JSON)."""
    return {field.name: getattr(entity, field.name) for field in fields(entity)} | overrides


class Queries:
    """Base of the query groups SqlIdentityTransaction is made of."""

    connection: AsyncConnection

    async def _one(self, statement: Executable) -> Row | None:
        return (await self.connection.execute(statement)).first()

    async def _set_once(self, table: Table, row_id: str, column: str, value: datetime) -> bool:
        """Set a timestamp written once (used, revoked) on one row; False when it already was set, so two
        replicas racing to use the same reset link or challenge cannot both win."""
        result = await self.connection.execute(
            update(table).where(table.c.id == row_id, table.c[column].is_(None)).values({column: value})
        )
        return bool(result.rowcount)
