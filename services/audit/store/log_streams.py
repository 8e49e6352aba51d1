"""Audit's log stream table and queries: each destination, its sealed secret, cursor and delivery state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy import Index, Row, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import Field

from services.audit.domain.log_stream_cases import SealedSecrets
from services.audit.domain.log_streams import ACTIVE, LogStream
from services.audit.store.sql import SqlAuditTransaction
from services.audit.store.tables import AuditBase, chain_heads, entitlements
from services.common.clock import Clock
from services.common.db import Database, UTCDateTime
from services.common.entitlements import OrganizationEntitlements, load_entitlements
from services.common.tables import core_table


class LogStreamRow(AuditBase, table=True):
    """A destination of an organization's log (domain/log_streams.py)."""

    __tablename__ = "audit_log_streams"
    __table_args__ = (Index("ix_audit_log_streams_organization", "organization_id"),)

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str = Field(max_length=36)
    name: str = Field(max_length=200)
    url: str = Field(max_length=2048)
    secret: str = Field(max_length=512, sa_column_kwargs={"comment": "the signing secret, sealed (secret_box)"})
    status: str = Field(max_length=16)
    cursor: int = Field(sa_column_kwargs={"comment": "the last sequence the destination acknowledged"})
    attempts: int
    failing_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str = Field(max_length=1024)
    last_delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    format: str = Field(
        default="webhook",
        max_length=16,
        sa_column_kwargs={
            "server_default": "webhook",
            "comment": "webhook, splunk_hec or datadog: the body and authentication the destination expects",
        },
    )
    destination_token: str = Field(
        default="",
        max_length=1024,
        sa_column_kwargs={
            "server_default": "",
            "comment": "the Splunk HEC token or Datadog API key, sealed (secret_box); empty for a webhook",
        },
    )
    previous_secret: str = Field(
        default="",
        max_length=512,
        sa_column_kwargs={
            "server_default": "",
            "comment": "the signing secret before the last rotation, sealed, still signing until previous_expires_at",
        },
    )
    previous_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


log_streams = core_table(LogStreamRow)


def _stream(row: Row) -> LogStream:
    return LogStream(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        url=row.url,
        status=row.status,
        cursor=row.cursor,
        attempts=row.attempts,
        failing_since=row.failing_since,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        last_delivered_at=row.last_delivered_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        format=row.format,
        previous_expires_at=row.previous_expires_at,
    )


def _values(stream: LogStream) -> dict[str, object]:
    return {
        "name": stream.name,
        "url": stream.url,
        "status": stream.status,
        "cursor": stream.cursor,
        "attempts": stream.attempts,
        "failing_since": stream.failing_since,
        "next_attempt_at": stream.next_attempt_at,
        "last_error": stream.last_error,
        "last_delivered_at": stream.last_delivered_at,
        "updated_at": stream.updated_at,
        "format": stream.format,
        "previous_expires_at": stream.previous_expires_at,
    }


class SqlLogStreamTransaction(SqlAuditTransaction):
    def __init__(self, connection: AsyncConnection, clock: Clock):
        super().__init__(connection)
        self._clock = clock

    async def streams(self, organization_id: str) -> list[LogStream]:
        statement = (
            select(log_streams).where(log_streams.c.organization_id == organization_id).order_by(log_streams.c.id)
        )
        return [_stream(row) for row in await self.connection.execute(statement)]

    async def stream(self, organization_id: str, stream_id: str) -> LogStream | None:
        statement = select(log_streams).where(
            log_streams.c.organization_id == organization_id, log_streams.c.id == stream_id
        )
        row = (await self.connection.execute(statement)).first()
        return _stream(row) if row else None

    async def sealed_secrets(self, stream_id: str) -> SealedSecrets:
        table = log_streams
        row = (
            await self.connection.execute(
                select(table.c.secret, table.c.previous_secret, table.c.destination_token).where(
                    table.c.id == stream_id
                )
            )
        ).one()
        return SealedSecrets(row.secret, row.previous_secret, row.destination_token)

    async def add_stream(self, stream: LogStream, sealed_secret: str, sealed_token: str) -> None:
        await self.connection.execute(
            insert(log_streams).values(
                id=stream.id,
                organization_id=stream.organization_id,
                secret=sealed_secret,
                destination_token=sealed_token,
                created_at=stream.created_at,
                **_values(stream),
            )
        )

    async def put_secrets(self, stream: LogStream, secrets: SealedSecrets) -> None:
        """The stream with its sealed secrets replaced (a rotation, a new destination token)."""
        await self.connection.execute(
            update(log_streams)
            .where(log_streams.c.id == stream.id)
            .values(
                secret=secrets.secret,
                previous_secret=secrets.previous,
                destination_token=secrets.token,
                **_values(stream),
            )
        )

    async def drop_previous_secret(self, stream: LogStream) -> None:
        """Forget the replaced secret once its overlap is over (unless the stream was rotated again meanwhile)."""
        await self.connection.execute(
            update(log_streams)
            .where(log_streams.c.id == stream.id, log_streams.c.previous_expires_at == stream.previous_expires_at)
            .values(previous_secret="", previous_expires_at=None)
        )

    async def put_stream(self, stream: LogStream) -> None:
        await self.connection.execute(
            update(log_streams).where(log_streams.c.id == stream.id).values(**_values(stream))
        )

    async def acknowledge(self, stream: LogStream, through_sequence: int) -> bool:
        changed = await self.connection.execute(
            update(log_streams)
            .where(log_streams.c.id == stream.id, log_streams.c.cursor == stream.cursor)
            .values(
                cursor=through_sequence,
                attempts=0,
                failing_since=None,
                next_attempt_at=None,
                last_delivered_at=self._clock.now(),
            )
        )
        return bool(changed.rowcount)

    async def delete_stream(self, organization_id: str, stream_id: str) -> bool:
        result = await self.connection.execute(
            delete(log_streams).where(log_streams.c.organization_id == organization_id, log_streams.c.id == stream_id)
        )
        return bool(result.rowcount)

    async def due_streams(self) -> list[LogStream]:
        now = self._clock.now()
        statement = (
            select(log_streams)
            .join(chain_heads, chain_heads.c.organization_id == log_streams.c.organization_id)
            .where(
                log_streams.c.status == ACTIVE,
                chain_heads.c.sequence > log_streams.c.cursor,
                func.coalesce(log_streams.c.next_attempt_at, now) <= now,
            )
            .order_by(log_streams.c.id)
        )
        return [_stream(row) for row in await self.connection.execute(statement)]

    async def entitlements_of(self, organization_id: str) -> OrganizationEntitlements | None:
        return await load_entitlements(self.connection, entitlements, organization_id)


class SqlLogStreamStore:
    def __init__(self, db: Database, clock: Clock):
        self._db = db
        self._clock = clock

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlLogStreamTransaction]:
        async with self._db.read() as connection:
            yield SqlLogStreamTransaction(connection, self._clock)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlLogStreamTransaction]:
        async with self._db.write() as connection:
            yield SqlLogStreamTransaction(connection, self._clock)
