"""Audit's use cases: append events to the chain, read and verify it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.audit.domain.model import AuditEntry, AuditRecord, chain, first_missing_or_broken
from services.audit.domain.ports import AuditStore, AuditTransaction, EntryQuery
from services.common.clock import Clock
from services.common.permissions import AUDIT_READ, PLATFORM_ADMIN
from services.common.principal import Principal


@dataclass(frozen=True)
class ChainVerification:
    """The verifier's verdict on one organization's chain."""

    intact: bool
    # Entries verified in order: all of them when intact, up to and including the first broken one.
    entries_checked: int
    first_broken_sequence: int | None


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

    async def verify_chain(self, principal: Principal, organization_id: str) -> ChainVerification:
        """Operators only: an organization's members, Owners included, must not be the ones vouching for
        their own log."""
        principal.authorize(PLATFORM_ADMIN, organization_id)
        async with self._store.read() as tx:
            # The head first: entries appended while the chain is read only lengthen it past the head.
            head_sequence, head_hash = await tx.chain_head(organization_id)
        async with self._store.read() as tx:
            entries = [entry async for entry in tx.entries_in_order(organization_id)]
        broken = first_missing_or_broken(entries, head_sequence, head_hash)
        # The verifier walks entries in order, so the first broken position is also the count it examined.
        return ChainVerification(broken is None, len(entries) if broken is None else broken, broken)
