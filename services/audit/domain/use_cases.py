"""Audit's use cases: append events to the chain, read and verify it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from services.audit.domain.checkpoints import Checkpoint, LogVerdict, verify_log
from services.audit.domain.export import checkpoint_line, entry_line
from services.audit.domain.model import AuditEntry, AuditRecord, chain, first_missing_or_broken
from services.audit.domain.ports import AuditStore, AuditTransaction, EntryQuery
from services.audit.domain.retention import chain_start
from services.common.clock import Clock
from services.common.permissions import AUDIT_READ, PLATFORM_ADMIN
from services.common.principal import Principal

EXPORT_PAGE_ENTRIES = 2000


@dataclass(frozen=True)
class _ReadPage:
    entries: list[AuditEntry]
    checkpoints: list[Checkpoint] | None  # read with the last page only


def _rendered(read: _ReadPage, after_sequence: int) -> ExportPage:
    lines = [entry_line(entry) for entry in read.entries]
    last_sequence = read.entries[-1].sequence if read.entries else after_sequence
    if read.checkpoints is None:
        return ExportPage(b"".join(lines), last_sequence, done=False)
    lines.extend(checkpoint_line(checkpoint) for checkpoint in read.checkpoints)
    return ExportPage(b"".join(lines), last_sequence, done=True)


@dataclass(frozen=True)
class ExportPage:
    data: bytes
    last_sequence: int
    done: bool


async def append_record(tx: AuditTransaction, record: AuditRecord, now: datetime) -> AuditEntry:
    """Chain a record after its organization's head, in the caller's transaction."""
    (entry,) = await append_records(tx, [record], now)
    return entry


async def append_records(tx: AuditTransaction, records: list[AuditRecord], now: datetime) -> list[AuditEntry]:
    """Chain records in order, each after the one before it in its organization, in the caller's transaction:
    one head read per organization and one insert for them all (a consumer's fetched batch)."""
    heads: dict[str, tuple[int, str]] = {}
    entries: list[AuditEntry] = []
    for record in records:
        organization_id = record.organization_id
        if organization_id not in heads:
            heads[organization_id] = await tx.chain_head(organization_id)
        entry = chain(record, *heads[organization_id], now)
        heads[organization_id] = (entry.sequence, entry.hash)
        entries.append(entry)
    await tx.append_many(entries)
    return entries


class AuditUseCases:
    def __init__(self, store: AuditStore, clock: Clock):
        self._store = store
        self._clock = clock

    async def list_entries(self, principal: Principal, query: EntryQuery) -> list[AuditEntry]:
        principal.authorize(AUDIT_READ, query.organization_id)
        async with self._store.read() as tx:
            return await tx.list_entries(query)

    async def checkpoints(self, principal: Principal, organization_id: str) -> list[Checkpoint]:
        principal.authorize(AUDIT_READ, organization_id)
        async with self._store.read() as tx:
            return await tx.checkpoints(organization_id)

    async def export_page(
        self, principal: Principal, organization_id: str, after_sequence: int, limit: int = EXPORT_PAGE_ENTRIES
    ) -> ExportPage:
        """The next page of the export: entries after `after_sequence` as JSON lines; the last page also carries
        every checkpoint."""
        principal.authorize(AUDIT_READ, organization_id)
        return _rendered(await self._read_page(organization_id, after_sequence, limit), after_sequence)

    async def _read_page(self, organization_id: str, after_sequence: int, limit: int) -> _ReadPage:
        """Checkpoints are read before looking for entries after the page again: each names entries committed
        before it, so one past the exported entries means entries were removed (a cut tail), never that the log
        grew meanwhile."""
        async with self._store.read() as tx:
            entries = await tx.entries_after(organization_id, after_sequence, limit + 1)
            if len(entries) > limit:
                return _ReadPage(entries[:limit], None)
            checkpoints = await tx.checkpoints(organization_id)
            last_sequence = entries[-1].sequence if entries else after_sequence
            if await tx.entries_after(organization_id, last_sequence, 1):
                return _ReadPage(entries, None)  # the log grew meanwhile
        return _ReadPage(entries, checkpoints)

    async def export_log(self, principal: Principal, organization_id: str) -> AsyncIterator[bytes]:
        """The whole export, page after page (each its own read): memory stays flat however long the log. The
        next page is read while this one is written out (the database works while Python formats)."""
        principal.authorize(AUDIT_READ, organization_id)
        after = 0
        reading = asyncio.ensure_future(self._read_page(organization_id, after, EXPORT_PAGE_ENTRIES))
        try:
            while True:
                read = await reading
                done = read.checkpoints is not None
                if not done:
                    following = read.entries[-1].sequence if read.entries else after
                    reading = asyncio.ensure_future(self._read_page(organization_id, following, EXPORT_PAGE_ENTRIES))
                page = _rendered(read, after)
                after = page.last_sequence
                yield page.data
                if done:
                    return
        finally:
            reading.cancel()

    async def verify_chain(self, principal: Principal, organization_id: str) -> LogVerdict:
        """Operators only: an organization's members, Owners included, must not be the ones vouching for
        their own log."""
        principal.authorize(PLATFORM_ADMIN, organization_id)
        async with self._store.read() as tx:
            # The head first: entries appended while the chain is read only lengthen it past the head.
            head_sequence, head_hash = await tx.chain_head(organization_id)
        async with self._store.read() as tx:
            checkpoints = await tx.checkpoints(organization_id)
            keys = await tx.keys()
            entries = [entry async for entry in tx.entries_in_order(organization_id)]
        verdict = verify_log(entries, checkpoints, keys)
        if not verdict.intact:
            return verdict
        # A tail cut after the last checkpoint still falls short of the head recorded as entries were appended.
        broken = first_missing_or_broken(entries, head_sequence, head_hash, chain_start(entries))
        if broken is None:
            return verdict
        reason = f"the chain stops short of its head (sequence {head_sequence})"
        return LogVerdict(False, broken, verdict.checkpoints_checked, broken, reason)
