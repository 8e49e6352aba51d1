"""An organization's deletion in audit (membership's organization.deleted, through the log's and the analytics'
consumers), on SQLite and PostgreSQL: the log keeps one `organization.deleted` entry, chained after the deleted
ones so the chain still verifies; under an operator's legal hold the whole log stays; analytics go in any case;
another organization keeps everything."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from tenantry.common.v1 import common_pb2
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.audit.adapters.checkpoint_signer import Ed25519CheckpointSigner
from services.audit.domain.checkpointing import Checkpointing, CheckpointPolicy
from services.audit.domain.retention_cases import RetentionUseCases
from services.audit.domain.use_cases import AuditUseCases
from services.audit.events.analytics_consume import AnalyticsProjection
from services.audit.events.consume import AuditRecorder
from services.audit.main import MIGRATIONS_DIR
from services.audit.store.retention import SqlRetentionStore
from services.audit.store.sql import SqlAuditStore
from services.audit.store.tables import audit_entries, metadata
from services.audit.tests.recorded import record_invitations
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.messaging import EventTarget, new_envelope, timestamp
from services.common.principal import system_principal

ACME, BETA = "org-acme", "org-beta"
OPERATOR = system_principal("operator")


@dataclass
class Audit:
    db: Database
    clock: FrozenClock
    use_cases: AuditUseCases
    retention: RetentionUseCases
    checkpointing: Checkpointing

    async def fill(self, organization_id: str, entries: int) -> None:
        """Entries, their checkpoint, and an analytics roll-up of a member."""
        await record_invitations(self.db, self.clock, organization_id, range(1, entries + 1))
        await self.checkpointing.sign_head(organization_id)
        member = membership_events_pb2.MemberChanged(
            member_id=f"{organization_id}-m1", account_id="acc-1", status="active", seat_consuming=True, version=1
        )
        await self.deliver_analytics(envelope(organization_id, "member.added", member))

    async def deliver(self, event: envelope_pb2.Envelope) -> None:
        """As the log's consumer and the analytics' consumer each apply it."""
        recorder = AuditRecorder(SqlAuditStore(self.db), self.clock)
        async with self.db.write() as connection:
            await recorder.handlers().get(event.type, recorder.record)(connection, event)
        await self.deliver_analytics(event)

    async def deliver_analytics(self, event: envelope_pb2.Envelope) -> None:
        async with self.db.write() as connection:
            await AnalyticsProjection(self.clock).apply(connection, event)

    async def rows_naming(self, organization_id: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        async with self.db.read() as connection:
            for table in metadata.sorted_tables:
                if "organization_id" in table.c:
                    count = await connection.scalar(
                        select(func.count()).select_from(table).where(table.c.organization_id == organization_id)
                    )
                    if count:
                        counts[table.name] = int(count)
        return counts

    async def entries(self, organization_id: str) -> list[tuple[str, str]]:
        async with self.db.read() as connection:
            rows = await connection.execute(
                select(audit_entries.c.action, audit_entries.c.details)
                .where(audit_entries.c.organization_id == organization_id)
                .order_by(audit_entries.c.sequence)
            )
            return [(row.action, row.details) for row in rows]

    async def intact(self, organization_id: str) -> bool:
        return (await self.use_cases.verify_chain(OPERATOR, organization_id)).intact


def envelope(organization_id: str, event_type: str, payload: object) -> envelope_pb2.Envelope:
    return new_envelope(
        producer="membership",
        event_type=event_type,
        organization_id=organization_id,
        actor=common_pb2.Actor(type=common_pb2.ACTOR_TYPE_SYSTEM, id="membership-deletion"),
        payload=payload,  # type: ignore[arg-type]
        occurred_at=datetime(2026, 9, 1, tzinfo=UTC),
        target=EventTarget("organization", organization_id),
    )


def organization_deleted(organization_id: str) -> envelope_pb2.Envelope:
    payload = membership_events_pb2.OrganizationDeleted(
        organization_id=organization_id, deleted_time=timestamp(datetime(2026, 9, 1, tzinfo=UTC))
    )
    return envelope(organization_id, "organization.deleted", payload)


@pytest.fixture
async def audit(database_url: str) -> AsyncIterator[Audit]:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    clock = FrozenClock(datetime(2026, 9, 1, 12, tzinfo=UTC))
    store = SqlAuditStore(db)
    checkpointing = Checkpointing(
        store, Ed25519CheckpointSigner.generate(), clock, CheckpointPolicy(every_entries=2, max_age_seconds=3600)
    )
    yield Audit(
        db,
        clock,
        AuditUseCases(store, clock),
        RetentionUseCases(SqlRetentionStore(db), clock, checkpointing),
        checkpointing,
    )
    await db.dispose()


async def test_the_log_keeps_one_chained_deletion_entry_and_still_verifies(audit: Audit) -> None:
    await audit.fill(ACME, 5)
    await audit.fill(BETA, 3)
    assert {"audit_entries", "audit_checkpoints", "analytics_members"} <= set(await audit.rows_naming(ACME))
    beta_before = await audit.rows_naming(BETA)

    await audit.deliver(organization_deleted(ACME))

    assert await audit.rows_naming(ACME) == {"audit_entries": 1, "chain_heads": 1}
    ((action, details),) = await audit.entries(ACME)
    assert action == "organization.deleted"
    assert json.loads(details)["deleted_entries"] == 5 and json.loads(details)["legal_hold"] is False
    assert json.loads(details)["through_sequence"] == 5
    assert await audit.intact(ACME)
    assert await audit.rows_naming(BETA) == beta_before
    assert await audit.intact(BETA)


async def test_under_a_legal_hold_the_log_stays_whole_and_the_analytics_go(audit: Audit) -> None:
    await audit.fill(ACME, 4)
    await audit.retention.set_legal_hold(OPERATOR, ACME, True, "case 42")
    before = await audit.entries(ACME)

    await audit.deliver(organization_deleted(ACME))

    after = await audit.entries(ACME)
    assert after[: len(before)] == before
    assert [action for action, _ in after[len(before) :]] == ["organization.deleted"]
    assert json.loads(after[-1][1])["legal_hold"] is True and json.loads(after[-1][1])["deleted_entries"] == 0
    left = await audit.rows_naming(ACME)
    assert not any(table.startswith("analytics_") for table in left)
    assert {"audit_entries", "audit_checkpoints", "audit_retention_settings"} <= set(left)
    assert await audit.intact(ACME)
