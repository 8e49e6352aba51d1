"""Signed checkpoints on real databases: when they are signed, and what they catch that the chain alone cannot,
online and in an export verified offline with the public keys alone."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.common.v1 import common_pb2
from tenantry.events.v1 import membership_events_pb2

from services.audit.adapters.checkpoint_signer import Ed25519CheckpointSigner
from services.audit.domain.checkpointing import Checkpointing, CheckpointPolicy
from services.audit.domain.export import key_set_document
from services.audit.domain.model import GENESIS_HASH, AuditRecord, entry_hash
from services.audit.domain.use_cases import AuditUseCases
from services.audit.events.consume import AuditRecorder
from services.audit.main import MIGRATIONS_DIR
from services.audit.offline import verify_export
from services.audit.store.sql import SqlAuditStore
from services.audit.store.tables import audit_entries, chain_heads, checkpoint_keys, checkpoints
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.messaging import EventTarget, new_envelope
from services.common.principal import system_principal

ORG = "org-1"
OPERATOR = system_principal("operator")


@dataclass
class Log:
    db: Database
    clock: FrozenClock
    store: SqlAuditStore
    use_cases: AuditUseCases
    signer: Ed25519CheckpointSigner
    checkpointing: Checkpointing
    added: int = 0

    async def add(self, count: int) -> None:
        recorder = AuditRecorder(self.store, self.clock)
        for _ in range(count):
            self.added += 1
            envelope = new_envelope(
                producer="membership",
                event_type="member.invited",
                organization_id=ORG,
                actor=common_pb2.Actor(type=common_pb2.ACTOR_TYPE_USER, id="acc-1"),
                payload=membership_events_pb2.MemberInvited(),
                occurred_at=self.clock.now(),
                target=EventTarget("member", f"m-{self.added}", f"p{self.added}@acme.test"),
            )
            async with self.db.write() as connection:
                await recorder.record(connection, envelope)

    async def checkpoint_sequences(self) -> list[int]:
        return [c.sequence for c in await self.use_cases.checkpoints(OPERATOR, ORG)]

    async def verify(self) -> tuple[bool, int | None]:
        verdict = await self.use_cases.verify_chain(OPERATOR, ORG)
        return verdict.intact, verdict.first_broken_sequence

    async def export(self, path: Path) -> Path:
        with path.open("wb") as handle:
            async for chunk in self.use_cases.export_log(OPERATOR, ORG):
                handle.write(chunk)
        return path

    async def save_keys(self, path: Path) -> Path:
        document = json.dumps(key_set_document(await self.checkpointing.key_set()))
        await asyncio.to_thread(path.write_text, document)
        return path

    async def tamper(self, change: Callable[[AsyncConnection], Coroutine[Any, Any, None]]) -> None:
        async with self.db.write() as connection:
            await change(connection)


@pytest.fixture
async def log(database_url: str) -> AsyncIterator[Log]:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    clock = FrozenClock(datetime(2026, 3, 1, 12, tzinfo=UTC))
    store = SqlAuditStore(db)
    signer = Ed25519CheckpointSigner.generate()
    checkpointing = Checkpointing(store, signer, clock, CheckpointPolicy(every_entries=2, max_age_seconds=3600))
    yield Log(db, clock, store, AuditUseCases(store, clock), signer, checkpointing)
    await db.dispose()


async def rewrite_chain_consistently(connection: AsyncConnection, edit_sequence: int) -> None:
    """What a database administrator can do without the signing key: edit an entry, recompute every hash
    after it and the chain head, so the chain verifies on its own."""
    rows = (
        await connection.execute(
            select(audit_entries).where(audit_entries.c.organization_id == ORG).order_by(audit_entries.c.sequence)
        )
    ).all()
    previous = GENESIS_HASH
    for row in rows:
        record = AuditRecord(**{name: getattr(row, name) for name in AuditRecord.__dataclass_fields__})
        if row.sequence == edit_sequence:
            record = replace(record, target_display="nobody@acme.test")
        new_hash = entry_hash(record, row.sequence, previous)
        await connection.execute(
            update(audit_entries)
            .where(audit_entries.c.organization_id == ORG, audit_entries.c.sequence == row.sequence)
            .values(target_display=record.target_display, prev_hash=previous, hash=new_hash)
        )
        previous = new_hash
    await connection.execute(update(chain_heads).where(chain_heads.c.organization_id == ORG).values(hash=previous))


async def test_checkpoints_are_signed_after_every_n_entries_and_at_least_hourly(log: Log) -> None:
    await log.add(1)
    assert await log.checkpointing.sign_due() == 1  # a chain's first head is signed at once
    await log.add(1)
    assert await log.checkpointing.sign_due() == 0  # 1 new entry, 0 minutes: not due
    log.clock.advance(timedelta(hours=1))
    assert await log.checkpointing.sign_due() == 1
    await log.add(2)
    assert await log.checkpointing.sign_due() == 1
    assert await log.checkpointing.sign_due() == 0  # nothing new
    assert await log.checkpoint_sequences() == [1, 2, 4]
    assert await log.verify() == (True, None)


async def test_a_whole_chain_rewritten_consistently_verifies_as_a_chain_but_the_checkpoint_catches_it(
    log: Log,
) -> None:
    await log.add(2)
    await log.checkpointing.sign_due()
    await log.add(2)
    await log.checkpointing.sign_due()
    await log.add(1)
    assert await log.checkpoint_sequences() == [2, 4]

    await log.tamper(lambda connection: rewrite_chain_consistently(connection, edit_sequence=3))

    verdict = await log.use_cases.verify_chain(OPERATOR, ORG)
    # Entries 1-2 still match the first checkpoint: the rewrite began in 3..4.
    assert (verdict.intact, verdict.first_broken_sequence) == (False, 3)
    assert "no longer match the checkpoint" in verdict.reason


async def test_a_checkpoint_forged_in_the_database_fails_its_signature(log: Log) -> None:
    await log.add(2)
    await log.checkpointing.sign_due()

    async def forge(connection: AsyncConnection) -> None:
        await rewrite_chain_consistently(connection, edit_sequence=1)
        head = (await connection.execute(select(chain_heads.c.hash))).scalar_one()
        await connection.execute(update(checkpoints).values(hash=head))

    await log.tamper(forge)
    verdict = await log.use_cases.verify_chain(OPERATOR, ORG)
    assert (verdict.intact, verdict.first_broken_sequence) == (False, 1)
    assert "invalid signature" in verdict.reason


def _edit(sequence: int) -> Callable[[AsyncConnection], Coroutine[Any, Any, None]]:
    async def change(connection: AsyncConnection) -> None:
        await connection.execute(
            update(audit_entries).where(audit_entries.c.sequence == sequence).values(actor_display="someone else")
        )

    return change


def _delete(*sequences: int) -> Callable[[AsyncConnection], Coroutine[Any, Any, None]]:
    async def change(connection: AsyncConnection) -> None:
        await connection.execute(delete(audit_entries).where(audit_entries.c.sequence.in_(sequences)))

    return change


async def _reorder(connection: AsyncConnection) -> None:
    table = audit_entries
    await connection.execute(update(table).where(table.c.sequence == 2).values(sequence=99))
    await connection.execute(update(table).where(table.c.sequence == 3).values(sequence=2))
    await connection.execute(update(table).where(table.c.sequence == 99).values(sequence=3))


async def _insert(connection: AsyncConnection) -> None:
    """A forged entry slipped in at position 3, every later one moved down a place."""
    table = audit_entries
    row = (await connection.execute(select(table).where(table.c.sequence == 3))).one()._asdict()
    for sequence in (6, 5, 4, 3):
        await connection.execute(update(table).where(table.c.sequence == sequence).values(sequence=sequence + 1))
    await connection.execute(insert(table).values({**row, "id": "forged", "actor_display": "insider"}))


@pytest.mark.parametrize(
    ("tampering", "expected"),
    [
        ("edit", 3),
        ("delete", 3),
        ("reorder", 2),
        ("insert", 3),
        ("truncate-tail", 5),
        ("rewrite", 5),
    ],
)
async def test_an_exported_log_is_verified_offline_and_names_the_broken_sequence(
    log: Log, tmp_path: Path, tampering: str, expected: int
) -> None:
    await log.add(4)
    await log.checkpointing.sign_due()
    await log.add(2)
    await log.checkpointing.sign_due()
    assert await log.checkpoint_sequences() == [4, 6]
    keys = await log.save_keys(tmp_path / "keys.json")  # the auditor's copy, taken before anything happened
    intact = verify_export(await log.export(tmp_path / "before.jsonl"), keys)
    assert (intact["intact"], intact["entries_checked"], intact["checkpoints_checked"]) == (True, 6, 2)

    changes = {
        "edit": _edit(3),
        "delete": _delete(3),
        "reorder": _reorder,
        "insert": _insert,
        "truncate-tail": _delete(5, 6),
        "rewrite": lambda connection: rewrite_chain_consistently(connection, edit_sequence=6),
    }
    await log.tamper(changes[tampering])

    verdict = verify_export(await log.export(tmp_path / "after.jsonl"), keys)
    assert (verdict["intact"], verdict["first_broken_sequence"]) == (False, expected), verdict["reason"]


async def test_a_key_slipped_into_the_database_does_not_fool_the_auditors_saved_key_set(
    log: Log, tmp_path: Path
) -> None:
    await log.add(2)
    await log.checkpointing.sign_due()
    keys = await log.save_keys(tmp_path / "keys.json")
    # An insider with the database and a key of their own: rewrite, re-sign, publish their key.
    insider = Ed25519CheckpointSigner.generate()
    await log.tamper(lambda connection: rewrite_chain_consistently(connection, edit_sequence=1))
    await log.tamper(lambda connection: _delete_checkpoints(connection))
    forged = Checkpointing(log.store, insider, log.clock, CheckpointPolicy(every_entries=1))
    await forged.sign_due()
    verdict = verify_export(await log.export(tmp_path / "log.jsonl"), keys)
    assert (verdict["intact"], verdict["first_broken_sequence"]) == (False, 1)
    assert "unknown key" in str(verdict["reason"])


async def _delete_checkpoints(connection: AsyncConnection) -> None:
    await connection.execute(delete(checkpoints))


async def test_a_rotated_key_stays_published_and_old_checkpoints_keep_verifying(log: Log, tmp_path: Path) -> None:
    await log.add(2)
    await log.checkpointing.sign_due()
    log.clock.advance(timedelta(days=30))
    rotated = Ed25519CheckpointSigner.generate()
    await Checkpointing(log.store, rotated, log.clock, CheckpointPolicy(every_entries=2)).publish_key()
    await log.add(2)
    await Checkpointing(log.store, rotated, log.clock, CheckpointPolicy(every_entries=2)).sign_due()

    keys = await log.checkpointing.key_set()
    assert [(k.key_id, k.valid_until) for k in keys] == [
        (log.signer.key_id, log.clock.now()),
        (rotated.key_id, None),
    ]
    found = await log.use_cases.checkpoints(OPERATOR, ORG)
    assert [c.key_id for c in found] == [log.signer.key_id, rotated.key_id]
    assert await log.verify() == (True, None)
    verdict = verify_export(await log.export(tmp_path / "log.jsonl"), await log.save_keys(tmp_path / "keys.json"))
    assert (verdict["intact"], verdict["checkpoints_checked"]) == (True, 2)


async def test_a_checkpoint_signed_by_a_retired_key_after_its_validity_is_refused(log: Log) -> None:
    await log.add(1)
    # The key is retired before it signs: a leaked old key cannot vouch for new entries.
    await log.checkpointing.publish_key()
    log.clock.advance(timedelta(minutes=1))
    await Checkpointing(log.store, Ed25519CheckpointSigner.generate(), log.clock, CheckpointPolicy()).publish_key()
    log.clock.advance(timedelta(minutes=1))
    await log.checkpointing.sign_due()
    verdict = await log.use_cases.verify_chain(OPERATOR, ORG)
    assert (verdict.intact, verdict.first_broken_sequence) == (False, 1)
    assert "outside its key's validity" in verdict.reason
    async with log.db.read() as connection:
        assert len((await connection.execute(select(checkpoint_keys))).all()) == 2


async def test_an_export_read_in_small_pages_is_the_same_as_one_read_whole(log: Log, tmp_path: Path) -> None:
    await log.add(5)
    await log.checkpointing.sign_due()
    whole = b"".join([chunk async for chunk in log.use_cases.export_log(OPERATOR, ORG)])
    pieces, after, done = [], 0, False
    while not done:
        page = await log.use_cases.export_page(OPERATOR, ORG, after, limit=2)
        pieces.append(page.data)
        after, done = page.last_sequence, page.done
    assert len(pieces) == 3
    assert b"".join(pieces) == whole
    assert whole.count(b'"kind":"entry"') == 5
    assert whole.count(b'"kind":"checkpoint"') == 1
