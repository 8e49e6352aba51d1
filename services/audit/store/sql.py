"""Audit's queries. Entries are only ever inserted and selected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import fields

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.audit.domain.checkpoints import Checkpoint, PublicKey
from services.audit.domain.model import GENESIS_HASH, AuditEntry, AuditRecord
from services.audit.domain.ports import EntryQuery
from services.audit.store.search import page_sequences
from services.audit.store.tables import audit_entries, chain_heads, checkpoint_keys, checkpoints
from services.common.db import Database
from services.common.errors import Aborted

RECORD_FIELDS = tuple(field.name for field in fields(AuditRecord))
# An entry's columns in the order _entry reads them: the record's fields, then its place in the chain. Rows are
# read by position (exports go through hundreds of thousands; a Row's lookup by name costs more than the rest).
ENTRY_COLUMNS = (
    *(audit_entries.c[name] for name in RECORD_FIELDS),
    audit_entries.c.sequence,
    audit_entries.c.prev_hash,
    audit_entries.c.hash,
    audit_entries.c.recorded_at,
)
_CHAIN_AT = len(RECORD_FIELDS)


def _entry(row: Row) -> AuditEntry:
    values = tuple(row)
    sequence, prev_hash, entry_hash, recorded_at = values[_CHAIN_AT:]
    return AuditEntry(AuditRecord(*values[:_CHAIN_AT]), sequence, prev_hash, entry_hash, recorded_at)


def _entry_values(entry: AuditEntry) -> dict[str, object]:
    record = entry.record
    return {
        **{name: getattr(record, name) for name in RECORD_FIELDS},
        "sequence": entry.sequence,
        "recorded_at": entry.recorded_at,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


class SqlAuditTransaction:
    def __init__(self, connection: AsyncConnection):
        self.connection = connection

    async def chain_head(self, organization_id: str) -> tuple[int, str]:
        statement = select(chain_heads.c.sequence, chain_heads.c.hash).where(
            chain_heads.c.organization_id == organization_id
        )
        if self.connection.dialect.name == "postgresql":
            statement = statement.with_for_update()
        row = (await self.connection.execute(statement)).first()
        return (row.sequence, row.hash) if row else (0, GENESIS_HASH)

    async def append(self, entry: AuditEntry) -> None:
        await self.append_many([entry])

    async def append_many(self, entries: list[AuditEntry]) -> None:
        """Insert chained entries (in chain order per organization) with one statement, then move each
        organization's head from just before its first entry to its last: a head another writer moved
        meanwhile aborts the whole transaction."""
        if not entries:
            return
        await self.connection.execute(insert(audit_entries), [_entry_values(entry) for entry in entries])
        first_of: dict[str, AuditEntry] = {}
        last_of: dict[str, AuditEntry] = {}
        for entry in entries:
            first_of.setdefault(entry.record.organization_id, entry)
            last_of[entry.record.organization_id] = entry
        for organization_id, first in first_of.items():
            last = last_of[organization_id]
            if first.sequence == 1:
                await self.connection.execute(
                    insert(chain_heads).values(organization_id=organization_id, sequence=last.sequence, hash=last.hash)
                )
                continue
            moved = await self.connection.execute(
                update(chain_heads)
                .where(chain_heads.c.organization_id == organization_id, chain_heads.c.sequence == first.sequence - 1)
                .values(sequence=last.sequence, hash=last.hash)
            )
            if moved.rowcount != 1:
                raise Aborted("Another writer advanced this audit chain; retry.")

    async def list_entries(self, query: EntryQuery) -> list[AuditEntry]:
        """A page of the search (store/search.py says how it stays fast on a large log)."""
        sequences = await page_sequences(self.connection, query)
        if sequences is None:
            return []
        order = audit_entries.c.sequence.asc() if query.oldest_first else audit_entries.c.sequence.desc()
        statement = (
            select(*ENTRY_COLUMNS)
            .where(audit_entries.c.organization_id == query.organization_id, audit_entries.c.sequence.in_(sequences))
            .order_by(order)
        )
        return [_entry(row) for row in await self.connection.execute(statement)]

    async def entries_in_order(self, organization_id: str) -> AsyncIterator[AuditEntry]:
        result = await self.connection.stream(
            select(*ENTRY_COLUMNS)
            .where(audit_entries.c.organization_id == organization_id)
            .order_by(audit_entries.c.sequence)
        )
        async for row in result:
            yield _entry(row)

    async def entries_after(self, organization_id: str, after_sequence: int, limit: int) -> list[AuditEntry]:
        statement = (
            select(*ENTRY_COLUMNS)
            .where(audit_entries.c.organization_id == organization_id, audit_entries.c.sequence > after_sequence)
            .order_by(audit_entries.c.sequence)
            .limit(limit)
        )
        return [_entry(row) for row in await self.connection.execute(statement)]

    async def heads_past_last_checkpoint(self) -> list[tuple[str, int, str]]:
        last = (
            select(func.coalesce(func.max(checkpoints.c.sequence), 0))
            .where(checkpoints.c.organization_id == chain_heads.c.organization_id)
            .scalar_subquery()
        )
        statement = select(chain_heads.c.organization_id, chain_heads.c.sequence, chain_heads.c.hash).where(
            chain_heads.c.sequence > last
        )
        return [(row.organization_id, row.sequence, row.hash) for row in await self.connection.execute(statement)]

    async def last_checkpoint(self, organization_id: str) -> Checkpoint | None:
        row = (
            await self.connection.execute(
                select(checkpoints)
                .where(checkpoints.c.organization_id == organization_id)
                .order_by(checkpoints.c.sequence.desc())
                .limit(1)
            )
        ).first()
        return _checkpoint(row) if row else None

    async def add_checkpoint(self, checkpoint: Checkpoint) -> bool:
        try:
            async with self.connection.begin_nested():
                await self.connection.execute(
                    insert(checkpoints).values(
                        organization_id=checkpoint.organization_id,
                        sequence=checkpoint.sequence,
                        hash=checkpoint.hash,
                        signed_at=checkpoint.signed_at,
                        key_id=checkpoint.key_id,
                        previous_signature=checkpoint.previous_signature,
                        signature=checkpoint.signature,
                    )
                )
        except IntegrityError:
            return False
        return True

    async def checkpoints(self, organization_id: str) -> list[Checkpoint]:
        statement = (
            select(checkpoints).where(checkpoints.c.organization_id == organization_id).order_by(checkpoints.c.sequence)
        )
        return [_checkpoint(row) for row in await self.connection.execute(statement)]

    async def register_key(self, key: PublicKey) -> None:
        known = (
            await self.connection.execute(
                select(checkpoint_keys.c.key_id).where(checkpoint_keys.c.key_id == key.key_id)
            )
        ).first()
        if known:
            return
        await self.connection.execute(
            update(checkpoint_keys).where(checkpoint_keys.c.valid_until.is_(None)).values(valid_until=key.valid_from)
        )
        await self.connection.execute(
            insert(checkpoint_keys).values(
                key_id=key.key_id, public_key=key.public_key, valid_from=key.valid_from, valid_until=None
            )
        )

    async def keys(self) -> list[PublicKey]:
        rows = await self.connection.execute(select(checkpoint_keys).order_by(checkpoint_keys.c.valid_from))
        return [PublicKey(row.key_id, row.public_key, row.valid_from, row.valid_until) for row in rows]


def _checkpoint(row: Row) -> Checkpoint:
    return Checkpoint(
        row.organization_id,
        row.sequence,
        row.hash,
        row.signed_at,
        row.key_id,
        row.previous_signature,
        row.signature,
    )


class SqlAuditStore:
    def __init__(self, db: Database):
        self._db = db

    def bind(self, connection: AsyncConnection) -> SqlAuditTransaction:
        """A transaction on the connection of the consumer applying an event."""
        return SqlAuditTransaction(connection)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlAuditTransaction]:
        async with self._db.read() as connection:
            yield SqlAuditTransaction(connection)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlAuditTransaction]:
        async with self._db.write() as connection:
            yield SqlAuditTransaction(connection)
