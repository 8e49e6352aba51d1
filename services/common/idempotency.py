"""Stored results of mutating calls by request id, so a retried call returns the first answer and
applies nothing twice. Each service keeps the table in its own database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import MetaData, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

MAX_REQUEST_ID_LENGTH = 255


def idempotency_table(metadata: MetaData) -> Table:
    # Imported here: services.common.tables reads MAX_REQUEST_ID_LENGTH from this module.
    from services.common.tables import core_table, idempotency_model, model_base

    return core_table(idempotency_model(model_base(metadata)))


async def load_response(
    connection: AsyncConnection, table: Table, scope: str, operation: str, request_id: str
) -> bytes | None:
    return await connection.scalar(
        select(table.c.response).where(
            table.c.scope == scope, table.c.operation == operation, table.c.request_id == request_id
        )
    )


async def save_response(
    connection: AsyncConnection,
    table: Table,
    scope: str,
    operation: str,
    request_id: str,
    response: bytes,
    now: datetime,
) -> None:
    await connection.execute(
        insert(table).values(scope=scope, operation=operation, request_id=request_id, response=response, created_at=now)
    )
