"""Audit's export tables and queries: each export with its progress, and its file in chunks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy import ColumnElement, Index, LargeBinary, Row, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import Field

from services.audit.domain.export_jobs import EXPIRED, IN_PROGRESS, SUCCEEDED, AuditExport, ExportFilter
from services.audit.store.sql import SqlAuditTransaction
from services.audit.store.tables import AuditBase, entitlements
from services.common.clock import Clock
from services.common.db import Database, UTCDateTime
from services.common.entitlements import OrganizationEntitlements, load_entitlements
from services.common.tables import core_table


class AuditExportRow(AuditBase, table=True):
    """An export of an organization's log (domain/export_jobs.py)."""

    __tablename__ = "audit_exports"
    __table_args__ = (
        Index("ix_audit_exports_organization", "organization_id", "created_at"),
        Index("ix_audit_exports_state", "state", "created_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str = Field(max_length=36)
    format: str = Field(max_length=8)
    scope: str = Field(max_length=16, sa_column_kwargs={"comment": "log, or organization (a data export's log)"})
    state: str = Field(max_length=16, sa_column_kwargs={"comment": "queued, running, succeeded or expired"})
    filter_start: datetime | None = Field(default=None, sa_type=UTCDateTime)
    filter_end: datetime | None = Field(default=None, sa_type=UTCDateTime)
    filter_action: str = Field(max_length=200)
    filter_action_prefix: str = Field(max_length=200)
    filter_actor_id: str = Field(max_length=200)
    filter_target_id: str = Field(max_length=200)
    filter_text: str = Field(max_length=200)
    last_sequence: int = Field(sa_column_kwargs={"comment": "the log's head when asked for: written up to it"})
    scanned_sequence: int = Field(sa_column_kwargs={"comment": "how far the job has read the log"})
    rows_written: int
    size_bytes: int
    chunks: int
    requested_by: str = Field(max_length=1024)
    request_id: str = Field(max_length=255)
    created_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditExportChunkRow(AuditBase, table=True):
    """A part of an export's file, in order; dropped when the export expires."""

    __tablename__ = "audit_export_chunks"

    export_id: str = Field(primary_key=True, max_length=36)
    chunk_index: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    organization_id: str = Field(max_length=36)
    data: bytes = Field(sa_type=LargeBinary)


audit_exports = core_table(AuditExportRow)
audit_export_chunks = core_table(AuditExportChunkRow)


def _export(row: Row) -> AuditExport:
    return AuditExport(
        id=row.id,
        organization_id=row.organization_id,
        format=row.format,
        filter=ExportFilter(
            row.filter_start,
            row.filter_end,
            row.filter_action,
            row.filter_action_prefix,
            row.filter_actor_id,
            row.filter_target_id,
            row.filter_text,
        ),
        state=row.state,
        last_sequence=row.last_sequence,
        scanned_sequence=row.scanned_sequence,
        rows_written=row.rows_written,
        size_bytes=row.size_bytes,
        chunks=row.chunks,
        requested_by=row.requested_by,
        request_id=row.request_id,
        created_at=row.created_at,
        finished_at=row.finished_at,
        expires_at=row.expires_at,
        scope=row.scope,
    )


def _progress(export: AuditExport) -> dict[str, object]:
    return {
        "state": export.state,
        "scanned_sequence": export.scanned_sequence,
        "rows_written": export.rows_written,
        "size_bytes": export.size_bytes,
        "chunks": export.chunks,
        "finished_at": export.finished_at,
        "expires_at": export.expires_at,
    }


class SqlExportTransaction(SqlAuditTransaction):
    def __init__(self, connection: AsyncConnection, clock: Clock):
        super().__init__(connection)
        self._clock = clock

    async def entitlements_of(self, organization_id: str) -> OrganizationEntitlements | None:
        return await load_entitlements(self.connection, entitlements, organization_id)

    async def _first(self, *conditions: ColumnElement[bool]) -> AuditExport | None:
        statement = select(audit_exports).where(*conditions).order_by(audit_exports.c.created_at).limit(1)
        row = (await self.connection.execute(statement)).first()
        return _export(row) if row else None

    async def export_by_request(self, organization_id: str, request_id: str) -> AuditExport | None:
        return await self._first(
            audit_exports.c.organization_id == organization_id, audit_exports.c.request_id == request_id
        )

    async def export_in_progress(self, organization_id: str) -> AuditExport | None:
        return await self._first(
            audit_exports.c.organization_id == organization_id, audit_exports.c.state.in_(IN_PROGRESS)
        )

    async def add_export(self, export: AuditExport) -> None:
        chosen = export.filter
        await self.connection.execute(
            insert(audit_exports).values(
                id=export.id,
                organization_id=export.organization_id,
                format=export.format,
                scope=export.scope,
                filter_start=chosen.start,
                filter_end=chosen.end,
                filter_action=chosen.action,
                filter_action_prefix=chosen.action_prefix,
                filter_actor_id=chosen.actor_id,
                filter_target_id=chosen.target_id,
                filter_text=chosen.text,
                last_sequence=export.last_sequence,
                requested_by=export.requested_by,
                request_id=export.request_id,
                created_at=export.created_at,
                **_progress(export),
            )
        )

    async def export(self, organization_id: str, export_id: str) -> AuditExport | None:
        return await self._first(audit_exports.c.organization_id == organization_id, audit_exports.c.id == export_id)

    async def exports(self, organization_id: str, limit: int) -> list[AuditExport]:
        statement = (
            select(audit_exports)
            .where(audit_exports.c.organization_id == organization_id)
            .order_by(audit_exports.c.created_at.desc(), audit_exports.c.id.desc())
            .limit(limit)
        )
        return [_export(row) for row in await self.connection.execute(statement)]

    async def next_export(self) -> AuditExport | None:
        return await self._first(audit_exports.c.state.in_(IN_PROGRESS))

    async def write_page(self, before: AuditExport, after: AuditExport, chunks: list[bytes]) -> bool:
        moved = await self.connection.execute(
            update(audit_exports)
            .where(
                audit_exports.c.id == before.id,
                audit_exports.c.scanned_sequence == before.scanned_sequence,
                audit_exports.c.chunks == before.chunks,
                audit_exports.c.state.in_(IN_PROGRESS),
            )
            .values(**_progress(after))
        )
        if not moved.rowcount:
            return False
        if chunks:
            await self.connection.execute(
                insert(audit_export_chunks),
                [
                    {
                        "export_id": before.id,
                        "chunk_index": before.chunks + offset,
                        "organization_id": before.organization_id,
                        "data": data,
                    }
                    for offset, data in enumerate(chunks)
                ],
            )
        return True

    async def chunk(self, export_id: str, index: int) -> bytes | None:
        statement = select(audit_export_chunks.c.data).where(
            audit_export_chunks.c.export_id == export_id, audit_export_chunks.c.chunk_index == index
        )
        data = (await self.connection.execute(statement)).scalar_one_or_none()
        return bytes(data) if data is not None else None

    async def expire_exports(self) -> int:
        now = self._clock.now()
        due = [
            row.id
            for row in await self.connection.execute(
                select(audit_exports.c.id).where(audit_exports.c.state == SUCCEEDED, audit_exports.c.expires_at <= now)
            )
        ]
        if due:
            await self.connection.execute(delete(audit_export_chunks).where(audit_export_chunks.c.export_id.in_(due)))
            await self.connection.execute(
                update(audit_exports).where(audit_exports.c.id.in_(due)).values(state=EXPIRED)
            )
        return len(due)


class SqlExportStore:
    def __init__(self, db: Database, clock: Clock):
        self._db = db
        self._clock = clock

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlExportTransaction]:
        async with self._db.read() as connection:
            yield SqlExportTransaction(connection, self._clock)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlExportTransaction]:
        async with self._db.write() as connection:
            yield SqlExportTransaction(connection, self._clock)
