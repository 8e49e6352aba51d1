"""The audit consumer as the service runs it, on a real nats-server: fetched batches chained with one insert each,
in publish order per stream, every event once, security events copied into their organizations' logs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from tenantry.events.v1 import envelope_pb2

from services.audit.domain.ports import EntryQuery
from services.audit.domain.use_cases import AuditUseCases
from services.audit.events.consume import AUDIT_BATCH, AUDIT_CONSUMER, PRODUCERS, AuditRecorder
from services.audit.main import MIGRATIONS_DIR
from services.audit.store.sql import SqlAuditStore
from services.audit.store.tables import audit_entries, messaging
from services.audit.tests.test_audit_log import invited
from services.audit.tests.test_security_events import ACME, GLOBEX, auditor, failed, locked, member_event
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.messaging import Bus, EventConsumer
from services.common.messaging.envelope import subject_of
from services.common.nats_server import NatsServer
from services.common.principal import system_principal
from services.common.testing import eventually


@dataclass
class Running:
    db: Database
    bus: Bus
    consumer: EventConsumer
    use_cases: AuditUseCases

    async def publish(self, *envelopes: envelope_pb2.Envelope) -> None:
        for envelope in envelopes:
            await self.bus.jetstream.publish(subject_of(envelope.type), envelope.SerializeToString())

    async def entry_count(self) -> int:
        async with self.db.read() as connection:
            return int(await connection.scalar(select(func.count()).select_from(audit_entries)) or 0)

    async def recorded(self, count: int) -> None:
        async def reached() -> bool:
            return await self.entry_count() >= count

        await eventually(reached, timeout=30)

    async def targets(self, organization_id: str) -> list[str]:
        """The organization's entries in chain order, by target."""
        query = EntryQuery(organization_id, limit=1000)
        entries = await self.use_cases.list_entries(auditor(organization_id), query)
        return [entry.record.target_display for entry in reversed(entries)]

    async def actions(self, organization_id: str) -> list[str]:
        query = EntryQuery(organization_id, limit=1000)
        entries = await self.use_cases.list_entries(auditor(organization_id), query)
        return [entry.record.action for entry in reversed(entries)]

    async def intact(self, organization_id: str) -> bool:
        return (await self.use_cases.verify_chain(system_principal("operator"), organization_id)).intact


@pytest.fixture
async def running(database_url: str, nats_server: NatsServer) -> AsyncIterator[Running]:
    """The audit consumer wired as services/audit/main.py wires it; the test starts it."""
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    clock = FrozenClock(datetime(2026, 3, 1, tzinfo=UTC))
    recorder = AuditRecorder(SqlAuditStore(db), clock)
    bus = Bus(nats_server.url, name="audit-batch-test")
    bus.start()
    await bus.connected.wait()
    for producer in PRODUCERS:
        await bus.ensure_stream(producer)
    consumer = EventConsumer(
        name=AUDIT_CONSUMER,
        db=db,
        tables=messaging,
        bus=bus,
        producers=PRODUCERS,
        handlers=recorder.handlers(),  # type: ignore[arg-type]
        fallback_handler=recorder.record,  # type: ignore[arg-type]
        fallback_batch_handler=recorder.record_many,  # type: ignore[arg-type]
        batch_size=AUDIT_BATCH,
    )
    yield Running(db, bus, consumer, AuditUseCases(SqlAuditStore(db), clock))
    await consumer.stop()
    await bus.close()
    await db.dispose()


async def test_a_backlog_larger_than_a_batch_is_chained_in_publish_order_once_per_event(running: Running) -> None:
    events = [invited(f"p{n}@acme.test", ACME if n % 3 else GLOBEX) for n in range(AUDIT_BATCH + 150)]
    await running.publish(*events, events[5], events[300])  # two events delivered again, after the others
    running.consumer.start()
    await running.recorded(len(events))
    await asyncio.sleep(0.5)  # time for the two repeats to be (wrongly) recorded a second time
    assert await running.entry_count() == len(events)
    assert await running.targets(ACME) == [f"p{n}@acme.test" for n in range(len(events)) if n % 3]
    assert await running.targets(GLOBEX) == [f"p{n}@acme.test" for n in range(len(events)) if not n % 3]
    assert await running.intact(ACME) and await running.intact(GLOBEX)


async def test_security_events_in_a_batch_are_copied_into_each_organization_of_the_account(running: Running) -> None:
    await running.publish(member_event("added", ACME, "active", 1), member_event("added", GLOBEX, "active", 1, "m-2"))
    running.consumer.start()
    await running.recorded(2)
    # Identity's batch: three failures and the lockout, each copied after it into both organizations' logs.
    await running.publish(failed(), failed(), failed(), locked())
    await running.recorded(2 + 4 * 3)
    expected = ["member.added", "sign_in.failed", "sign_in.failed", "sign_in.failed", "login.locked"]
    assert await running.actions(ACME) == expected
    assert await running.actions(GLOBEX) == expected
    assert await running.intact(ACME) and await running.intact(GLOBEX) and await running.intact("")
