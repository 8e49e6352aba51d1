"""Retention on real databases: the job deletes what an organization no longer keeps, audits each deletion, stops
under a legal hold, and the pruned chain still verifies (online, against signed checkpoints, and offline)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete
from tenantry.common.v1 import common_pb2
from tenantry.events.v1 import entitlement_events_pb2

from services.audit.adapters.checkpoint_signer import Ed25519CheckpointSigner
from services.audit.domain.checkpointing import Checkpointing, CheckpointPolicy
from services.audit.domain.export import key_set_document
from services.audit.domain.ports import EntryQuery
from services.audit.domain.retention_cases import RetentionUseCases
from services.audit.domain.use_cases import AuditUseCases
from services.audit.main import MIGRATIONS_DIR
from services.audit.offline import verify_export
from services.audit.store.retention import SqlRetentionStore
from services.audit.store.sql import SqlAuditStore
from services.audit.store.tables import audit_entries, entitlements
from services.audit.tests.recorded import record_invitations
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.entitlements import EntitlementProjection
from services.common.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from services.common.messaging import EventTarget, new_envelope
from services.common.principal import Principal, system_principal

ORG = "org-1"
OPERATOR = system_principal("operator")
ADMIN = Principal(
    actor_type="user", actor_id="admin", organization_id=ORG, permissions=frozenset({"audit.read", "security.manage"})
)
AUDITOR = Principal(actor_type="user", actor_id="aud", organization_id=ORG, permissions=frozenset({"audit.read"}))


@dataclass
class Log:
    db: Database
    clock: FrozenClock
    use_cases: AuditUseCases
    retention: RetentionUseCases
    checkpointing: Checkpointing
    added: int = 0

    async def add(self, count: int) -> None:
        await record_invitations(self.db, self.clock, ORG, range(self.added + 1, self.added + count + 1))
        self.added += count

    async def sequences(self) -> list[int]:
        entries = await self.use_cases.list_entries(AUDITOR, EntryQuery(ORG, limit=100))
        return sorted(entry.sequence for entry in entries)

    async def verify(self) -> tuple[bool, int | None]:
        verdict = await self.use_cases.verify_chain(OPERATOR, ORG)
        return verdict.intact, verdict.first_broken_sequence

    async def on_plan(self, retention_days: int) -> None:
        payload = entitlement_events_pb2.EntitlementsChanged(
            entitlements=entitlement_events_pb2.EntitlementSet(
                organization_id=ORG, plan_id="team", active=True, limits={"retention_days": retention_days}, version=1
            )
        )
        envelope = new_envelope(
            producer="billing",
            event_type="entitlements.changed",
            organization_id=ORG,
            actor=common_pb2.Actor(type=common_pb2.ACTOR_TYPE_SYSTEM, id="billing"),
            payload=payload,
            occurred_at=self.clock.now(),
            target=EventTarget("organization", ORG),
        )
        async with self.db.write() as connection:
            await EntitlementProjection(entitlements, self.clock).on_changed(connection, envelope)


@pytest.fixture
async def log(database_url: str) -> AsyncIterator[Log]:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    clock = FrozenClock(datetime(2026, 1, 1, 12, tzinfo=UTC))
    store = SqlAuditStore(db)
    checkpointing = Checkpointing(
        store, Ed25519CheckpointSigner.generate(), clock, CheckpointPolicy(every_entries=2, max_age_seconds=3600)
    )
    yield Log(
        db,
        clock,
        AuditUseCases(store, clock),
        RetentionUseCases(SqlRetentionStore(db), clock, checkpointing),
        checkpointing,
    )
    await db.dispose()


async def test_the_job_deletes_entries_past_retention_and_records_the_deletion(log: Log) -> None:
    await log.retention.set_days(ADMIN, ORG, 30)  # itself entry 1
    await log.add(3)
    log.clock.advance(timedelta(days=20))
    await log.add(2)
    log.clock.advance(timedelta(days=15))  # the first 4 are 35 days old, the next 2 are 15
    assert await log.retention.prune_due() == 4
    assert await log.sequences() == [5, 6, 7]
    pruned = (await log.use_cases.list_entries(AUDITOR, EntryQuery(ORG, limit=1)))[0].record
    assert (pruned.action, pruned.actor_type, pruned.actor_id) == ("retention.pruned", "system", "audit-retention")
    assert '"deleted_entries":4' in pruned.details and '"through_sequence":4' in pruned.details
    assert await log.verify() == (True, None)
    assert await log.retention.prune_due() == 0  # nothing more is due: no second deletion entry


async def test_a_pruned_chain_still_verifies_against_its_signed_checkpoints_online_and_offline(
    log: Log, tmp_path: Path
) -> None:
    await log.retention.set_days(ADMIN, ORG, 30)
    await log.add(4)
    await log.checkpointing.sign_due()
    log.clock.advance(timedelta(days=40))
    await log.add(3)
    await log.checkpointing.sign_due()
    assert await log.retention.prune_due() == 5
    await log.checkpointing.sign_due()
    assert await log.verify() == (True, None)
    exported = tmp_path / "log.jsonl"
    with exported.open("wb") as handle:
        async for chunk in log.use_cases.export_log(OPERATOR, ORG):
            handle.write(chunk)
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps(key_set_document(await log.checkpointing.key_set())))
    verdict = verify_export(exported, keys)
    assert verdict["intact"], verdict


async def test_entries_deleted_beyond_what_retention_pruned_are_detected(log: Log) -> None:
    await log.retention.set_days(ADMIN, ORG, 30)
    await log.add(3)
    log.clock.advance(timedelta(days=40))
    await log.add(3)
    await log.retention.prune_due()
    assert await log.sequences() == [5, 6, 7, 8]
    async with log.db.write() as connection:
        await connection.execute(delete(audit_entries).where(audit_entries.c.sequence == 5))
    intact, broken = await log.verify()
    assert not intact and broken is not None


async def test_a_legal_hold_stops_deletion_until_it_is_lifted(log: Log) -> None:
    await log.retention.set_days(ADMIN, ORG, 30)
    await log.add(2)
    await log.retention.set_legal_hold(OPERATOR, ORG, True, "litigation 2026-17")
    log.clock.advance(timedelta(days=400))
    assert await log.retention.prune_due() == 0
    assert await log.sequences() == [1, 2, 3, 4]
    await log.retention.set_legal_hold(OPERATOR, ORG, False, "")  # entry 5, recorded now: kept
    assert await log.retention.prune_due() == 4


async def test_changes_of_retention_and_of_the_legal_hold_are_in_the_organization_log(log: Log) -> None:
    await log.retention.set_days(ADMIN, ORG, 60)
    await log.retention.set_days(ADMIN, ORG, 45)
    await log.retention.set_legal_hold(OPERATOR, ORG, True, "case 7")
    entries = await log.use_cases.list_entries(AUDITOR, EntryQuery(ORG, limit=10, action_prefix="retention."))
    actions = [(e.record.action, e.record.actor_id) for e in reversed(entries)]
    assert actions == [
        ("retention.updated", "admin"),
        ("retention.updated", "admin"),
        ("retention.legal_hold_placed", "operator"),
    ]
    second = json.loads(entries[1].record.details)
    assert (second["before"]["days"], second["after"]["days"]) == (60, 45)
    assert await log.verify() == (True, None)


async def test_an_organization_admin_cannot_place_or_lift_a_legal_hold(log: Log) -> None:
    with pytest.raises(PermissionDenied):
        await log.retention.set_legal_hold(ADMIN, ORG, False, "")


async def test_retention_is_from_30_to_365_days(log: Log) -> None:
    for days in (29, 366):
        with pytest.raises(InvalidArgument):
            await log.retention.set_days(ADMIN, ORG, days)
    assert await log.retention.get(AUDITOR, ORG) is None


async def test_retention_beyond_the_plan_limit_is_refused(log: Log) -> None:
    await log.on_plan(retention_days=90)
    with pytest.raises(FailedPrecondition) as refused:
        await log.retention.set_days(ADMIN, ORG, 120)
    assert refused.value.reason == "LIMIT_REACHED"
    assert (await log.retention.set_days(ADMIN, ORG, 90)).days == 90


async def test_a_reader_cannot_change_retention(log: Log) -> None:
    with pytest.raises(PermissionDenied):
        await log.retention.set_days(AUDITOR, ORG, 60)


async def test_without_a_setting_a_year_is_kept(log: Log) -> None:
    await log.add(2)
    log.clock.advance(timedelta(days=364))
    assert await log.retention.prune_due() == 0
    log.clock.advance(timedelta(days=2))
    assert await log.retention.prune_due() == 2


async def test_without_a_setting_the_plan_limit_applies_when_shorter(log: Log) -> None:
    await log.on_plan(retention_days=90)
    await log.add(2)
    log.clock.advance(timedelta(days=91))
    assert await log.retention.prune_due() == 2


async def test_the_entry_recording_a_deletion_is_signed_at_once(log: Log) -> None:
    await log.retention.set_days(ADMIN, ORG, 30)
    await log.add(3)
    log.clock.advance(timedelta(days=31))
    await log.retention.prune_due()
    signed = await log.use_cases.checkpoints(AUDITOR, ORG)
    assert signed[-1].sequence == 5  # the retention.pruned entry


async def test_two_replicas_pruning_at_once_delete_once_and_leave_a_verifiable_chain(log: Log) -> None:
    await log.retention.set_days(ADMIN, ORG, 30)
    await log.add(3)
    log.clock.advance(timedelta(days=31))
    other_replica = RetentionUseCases(SqlRetentionStore(log.db), log.clock, log.checkpointing)
    deleted = await asyncio.gather(log.retention.prune_due(), other_replica.prune_due())
    assert sorted(deleted) == [0, 4]
    assert await log.sequences() == [5]
    assert await log.verify() == (True, None)
