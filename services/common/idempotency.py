"""Stored results of mutating calls by request id, so a retried call returns the first answer and
applies nothing twice. Each service keeps the table in its own database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, MetaData, String, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.db import UTCDateTime

MAX_REQUEST_ID_LENGTH = 255


def idempotency_table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_keys",
        metadata,
        Column("scope", String(100), primary_key=True, comment="organization id, or '' for platform calls"),
        Column("operation", String(100), primary_key=True),
        Column("request_id", String(MAX_REQUEST_ID_LENGTH), primary_key=True),
        Column("response", LargeBinary, nullable=False),
        Column("created_at", UTCDateTime, nullable=False, index=True),
    )


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
