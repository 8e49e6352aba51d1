"""Audit's use cases: append events to the chain, read and verify it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from services.audit.domain.model import AuditEntry, AuditRecord, chain, first_broken_sequence
from services.common.clock import Clock
from services.common.permissions import AUDIT_READ
from services.common.principal import Principal


@dataclass(frozen=True)
class EntryQuery:
    organization_id: str
    limit: int
    before_sequence: int | None = None
    action: str | None = None
    actor_id: str | None = None
    target_id: str | None = None


class AuditTransaction(Protocol):
    async def chain_head(self, organization_id: str) -> tuple[int, str]: ...
    async def append(self, entry: AuditEntry) -> None: ...
    async def list_entries(self, query: EntryQuery) -> list[AuditEntry]: ...
    def entries_in_order(self, organization_id: str) -> AsyncIterator[AuditEntry]: ...


class AuditStore(Protocol):
    def read(self) -> AbstractAsyncContextManager[AuditTransaction]: ...


async def append_record(tx: AuditTransaction, record: AuditRecord, now: datetime) -> AuditEntry:
    """Chain a record after its organization's head, in the caller's transaction."""
    sequence, head_hash = await tx.chain_head(record.organization_id)
    entry = chain(record, sequence, head_hash, now)
    await tx.append(entry)
    return entry


class AuditUseCases:
    def __init__(self, store: AuditStore, clock: Clock):
        self._store = store
        self._clock = clock

    async def list_entries(self, principal: Principal, query: EntryQuery) -> list[AuditEntry]:
        principal.authorize(AUDIT_READ, query.organization_id)
        async with self._store.read() as tx:
            return await tx.list_entries(query)

    async def verify(self, organization_id: str) -> int | None:
        """The first sequence of the organization's chain that fails verification, or None."""
        async with self._store.read() as tx:
            return first_broken_sequence([entry async for entry in tx.entries_in_order(organization_id)])
