"""Audit exports' use cases: ask for one, follow its progress, read its file; the job that writes them and the
pass that drops expired files (domain/export_jobs.py holds the rules)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from services.audit.domain.export_jobs import (
    DOWNLOADED_ACTION,
    LISTED_EXPORTS,
    LOG,
    QUEUED,
    REQUESTED_ACTION,
    SUCCEEDED,
    AuditExport,
    ExportFilter,
    chunked,
    export_record,
    rendered,
    validate_format,
    validate_scope,
)
from services.audit.domain.ports import AuditTransaction
from services.audit.domain.use_cases import append_record
from services.common.clock import Clock
from services.common.entitlements import FEATURE_AUDIT_EXPORT, OrganizationEntitlements, require
from services.common.errors import FailedPrecondition, NotFound, PreconditionViolation
from services.common.ids import new_id
from services.common.permissions import AUDIT_READ
from services.common.principal import Principal


class ExportTransaction(AuditTransaction, Protocol):
    async def entitlements_of(self, organization_id: str) -> OrganizationEntitlements | None: ...
    async def export_by_request(self, organization_id: str, request_id: str) -> AuditExport | None: ...
    async def export_in_progress(self, organization_id: str) -> AuditExport | None: ...
    async def add_export(self, export: AuditExport) -> None: ...
    async def export(self, organization_id: str, export_id: str) -> AuditExport | None: ...
    async def exports(self, organization_id: str, limit: int) -> list[AuditExport]: ...
    async def next_export(self) -> AuditExport | None:
        """The oldest export still to write."""
        ...

    async def write_page(self, before: AuditExport, after: AuditExport, chunks: list[bytes]) -> bool:
        """Store a page's chunks and the export's new progress, unless another writer moved it first."""
        ...

    async def chunk(self, export_id: str, index: int) -> bytes | None: ...
    async def expire_exports(self) -> int:
        """Drop the files of exports past their expiry; returns how many."""
        ...


class ExportStore(Protocol):
    def read(self) -> AbstractAsyncContextManager[ExportTransaction]: ...
    def write(self) -> AbstractAsyncContextManager[ExportTransaction]: ...


@dataclass(frozen=True)
class Chunk:
    data: bytes
    next_index: int | None


def _in_progress(organization_id: str, running: AuditExport) -> FailedPrecondition:
    return FailedPrecondition(
        "An export of this organization's audit log is already being prepared; wait for it to finish.",
        [PreconditionViolation("EXPORT_IN_PROGRESS", f"organizations/{organization_id}/auditExports/{running.id}", "")],
        reason="EXPORT_IN_PROGRESS",
        metadata={"export_id": running.id},
    )


class AuditExports:
    def __init__(self, store: ExportStore, clock: Clock, wake_writer: Callable[[], None] = lambda: None):
        self._store = store
        self._clock = clock
        self._wake_writer = wake_writer

    async def create(
        self,
        principal: Principal,
        organization_id: str,
        format_name: str,
        filter: ExportFilter,
        request_id: str,
        scope: str = LOG,
    ) -> AuditExport:
        principal.authorize(AUDIT_READ, organization_id)
        format_name, filter = validate_format(format_name), filter.validated()
        validate_scope(scope, format_name, filter)
        now = self._clock.now()
        async with self._store.write() as tx:
            if scope == LOG:
                require(await tx.entitlements_of(organization_id), organization_id, FEATURE_AUDIT_EXPORT)
            if request_id and (earlier := await tx.export_by_request(organization_id, request_id)) is not None:
                return earlier
            if (running := await tx.export_in_progress(organization_id)) is not None:
                raise _in_progress(organization_id, running)
            head, _ = await tx.chain_head(organization_id)
            export = AuditExport(
                new_id(), organization_id, format_name, filter, QUEUED, head, 0, 0, 0, 0,
                principal.actor_id, request_id, now, scope=scope,
            )  # fmt: skip
            await tx.add_export(export)
            await append_record(tx, export_record(new_id(), principal, REQUESTED_ACTION, export, now), now)
        self._wake_writer()
        return export

    async def get(self, principal: Principal, organization_id: str, export_id: str) -> AuditExport:
        principal.authorize(AUDIT_READ, organization_id)
        async with self._store.read() as tx:
            return await self._existing(tx, organization_id, export_id)

    async def list(self, principal: Principal, organization_id: str) -> list[AuditExport]:
        principal.authorize(AUDIT_READ, organization_id)
        async with self._store.read() as tx:
            return await tx.exports(organization_id, LISTED_EXPORTS)

    async def read_chunk(self, principal: Principal, organization_id: str, export_id: str, index: int) -> Chunk:
        """One chunk of a finished file; reading the first is recorded as a download."""
        principal.authorize(AUDIT_READ, organization_id)
        now = self._clock.now()
        async with self._store.write() if index == 0 else self._store.read() as tx:
            export = await self._existing(tx, organization_id, export_id)
            subject = f"organizations/{organization_id}/auditExports/{export_id}"
            if export.expired(now):
                raise FailedPrecondition(
                    "This export has expired; ask for a new one.",
                    [PreconditionViolation("EXPORT_EXPIRED", subject, "")],
                    reason="EXPORT_EXPIRED",
                )
            if export.state != SUCCEEDED:
                raise FailedPrecondition(
                    f"This export is not ready yet ({export.percent_complete}% done).",
                    [PreconditionViolation("EXPORT_NOT_READY", subject, "")],
                    reason="EXPORT_NOT_READY",
                )
            data = await tx.chunk(export_id, index) if index < export.chunks else None
            if index > 0 and data is None:
                raise NotFound("No such part of the export.")
            if index == 0:
                await append_record(tx, export_record(new_id(), principal, DOWNLOADED_ACTION, export, now), now)
        return Chunk(data or b"", index + 1 if index + 1 < export.chunks else None)

    async def write_next_page(self) -> int:
        """The job's step: one page of the oldest export still to write, committed with its progress. Returns the
        entries it read (0 when there was nothing to do)."""
        async with self._store.read() as tx:
            export = await tx.next_export()
            if export is None:
                return 0
            query = export.filter.page(export.organization_id, export.scanned_sequence, export.last_sequence)
            entries = await tx.list_entries(query)
        # A short page read everything up to the export's last entry.
        scanned = entries[-1].sequence if len(entries) == query.limit else export.last_sequence
        data = rendered(export.format, entries, with_header=export.chunks == 0)
        chunks = chunked(data)
        after = export.advanced(scanned, len(entries), len(data), len(chunks), self._clock.now())
        async with self._store.write() as tx:
            await tx.write_page(export, after, chunks)
        return max(1, len(entries))

    async def write_pending(self, page_budget: int = 50) -> tuple[int, bool]:
        """Pages until nothing is left or the budget is spent: the entries read, and whether work remains (a
        pass stays short, so a replica that is stopping finishes it)."""
        written = 0
        for _ in range(page_budget):
            step = await self.write_next_page()
            if not step:
                return written, False
            written += step
        return written, True

    async def expire(self) -> int:
        async with self._store.write() as tx:
            return await tx.expire_exports()

    async def _existing(self, tx: ExportTransaction, organization_id: str, export_id: str) -> AuditExport:
        export = await tx.export(organization_id, export_id)
        if export is None:
            raise NotFound("No such export in this organization.")
        return export
