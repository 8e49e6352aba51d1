"""Audit ingest figures, with the chain and fsync on every commit (SQLite synchronous=FULL; PostgreSQL's default),
against a baseline of one plain insert per transaction on the same database:

- chained, one event per transaction: the consumer's single-event path (inbox row + chain head + entry);
- chained by the store, `AUDIT_BATCH` records per transaction (`append_records`, no NATS): the store's ceiling;
- through NATS: a backlog of events on a real nats-server (its own, fsync on every write), drained by the audit
  consumer as the service runs it (fetched batches chained with one insert each), events per second;
- visibility: events published at a steady rate while the consumer runs; for each, the time from its publish
  acknowledgement until a reader sees its entry (the log is polled every 2 ms), p50 and p99.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, event, func, insert, select
from tenantry.common.v1 import common_pb2
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.audit.domain.model import AuditRecord
from services.audit.domain.use_cases import AuditUseCases, append_records
from services.audit.events.consume import AUDIT_BATCH, AUDIT_CONSUMER, AuditRecorder
from services.audit.store.sql import SqlAuditStore
from services.audit.store.tables import audit_entries, messaging
from services.common.clock import SystemClock
from services.common.db import Database
from services.common.messaging import Bus, EventConsumer, EventTarget, new_envelope
from services.common.messaging.envelope import subject_of
from services.common.nats_server import NatsServer
from services.common.principal import system_principal


def fsync_every_commit(db: Database) -> None:
    if db.sqlite:

        @event.listens_for(db.engine.sync_engine, "connect")
        def _full(connection: Any, _: Any) -> None:
            connection.execute("PRAGMA synchronous=FULL")


def invited(organization_id: str, count: int, clock: SystemClock) -> list[envelope_pb2.Envelope]:
    return [
        new_envelope(
            producer="membership",
            event_type="member.invited",
            organization_id=organization_id,
            actor=common_pb2.Actor(type=common_pb2.ACTOR_TYPE_USER, id="acc-1", ip_address="198.51.100.7"),
            payload=membership_events_pb2.MemberInvited(),
            occurred_at=clock.now(),
            target=EventTarget("member", f"m-{n}", f"p{n}@acme.test"),
        )
        for n in range(count)
    ]


def audit_consumer(db: Database, bus: Bus, recorder: AuditRecorder) -> EventConsumer:
    return EventConsumer(
        name=AUDIT_CONSUMER,
        db=db,
        tables=messaging,
        bus=bus,
        producers=["membership"],
        handlers={},
        fallback_handler=recorder.record,  # type: ignore[arg-type]
        fallback_batch_handler=recorder.record_many,  # type: ignore[arg-type]
        batch_size=AUDIT_BATCH,
    )


async def entries_of(db: Database, organization_id: str) -> int:
    async with db.read() as connection:
        count = await connection.scalar(
            select(func.count()).select_from(audit_entries).where(audit_entries.c.organization_id == organization_id)
        )
    return int(count or 0)


async def publish(bus: Bus, envelopes: list[envelope_pb2.Envelope]) -> None:
    """Publish and await every acknowledgement, 64 in flight at a time."""
    for first in range(0, len(envelopes), 64):
        await asyncio.gather(
            *(
                bus.jetstream.publish(subject_of(envelope.type), envelope.SerializeToString())
                for envelope in envelopes[first : first + 64]
            )
        )


async def one_write_baseline(db: Database, events: int) -> float:
    table = Table("bench_rows", MetaData(), Column("id", String(36), primary_key=True), Column("n", Integer))
    async with db.engine.begin() as connection:
        await connection.run_sync(table.metadata.create_all)
    started = time.perf_counter()
    for n in range(events):
        async with db.write() as connection:
            await connection.execute(insert(table).values(id=f"row-{n}", n=n))
    return events / (time.perf_counter() - started)


async def one_event_per_commit(db: Database, recorder: AuditRecorder, events: int, clock: SystemClock) -> float:
    consumer = audit_consumer(db, Bus("nats://127.0.0.1:1", name="unused"), recorder)  # apply() never publishes
    envelopes = invited("ingest-org", events, clock)
    started = time.perf_counter()
    for envelope in envelopes:
        await consumer.apply(envelope, recorder.record)  # type: ignore[arg-type]
    return events / (time.perf_counter() - started)


async def store_batches(db: Database, events: int, clock: SystemClock) -> float:
    store = SqlAuditStore(db)
    records = [
        AuditRecord(
            *(f"batched-{n}", "batch-org", "member.invited", "membership.member.invited", "user", "acc-1", "", "", ""),
            *("member", f"m-{n}", "", clock.now(), ""),
        )
        for n in range(events)
    ]
    started = time.perf_counter()
    for first in range(0, events, AUDIT_BATCH):
        async with db.write() as connection:
            await append_records(store.bind(connection), records[first : first + AUDIT_BATCH], clock.now())
    return events / (time.perf_counter() - started)


async def through_nats(db: Database, recorder: AuditRecorder, events: int, tmp: Path, clock: SystemClock) -> dict:
    nats = NatsServer(tmp / "nats")
    nats.start()
    bus = Bus(nats.url, name="bench-audit")
    bus.start()
    try:
        await bus.connected.wait()
        await bus.ensure_stream("membership")
        await publish(bus, invited("nats-org", events, clock))
        consumer = audit_consumer(db, bus, recorder)
        started = time.perf_counter()
        consumer.start()
        while await entries_of(db, "nats-org") < events:
            await asyncio.sleep(0.005)
        backlog_rate = events / (time.perf_counter() - started)
        visibility = await visible_after_publish(db, bus, clock, rate=1000, seconds=5)
        await consumer.stop()
        return {"nats_backlog_per_s": round(backlog_rate), **visibility}
    finally:
        await bus.close()
        nats.stop()


async def visible_after_publish(db: Database, bus: Bus, clock: SystemClock, rate: int, seconds: int) -> dict:
    """Publish `rate` events a second for `seconds` (ten every 10 ms); a reader polls the organization's entry count
    every 2 ms: entry k is seen when the count first reaches k (one stream, applied in order)."""
    organization_id = "visible-org"
    published_at: list[float] = []
    seen_at: list[float] = []
    done = asyncio.Event()

    async def watch() -> None:
        while not done.is_set() or len(seen_at) < len(published_at):
            count = await entries_of(db, organization_id)
            now = time.perf_counter()
            seen_at.extend([now] * (count - len(seen_at)))
            await asyncio.sleep(0.002)

    watcher = asyncio.create_task(watch())
    tick = 10 / rate
    next_tick = time.perf_counter()
    for _ in range(rate * seconds // 10):
        envelopes = invited(organization_id, 10, clock)
        await publish(bus, envelopes)
        published_at.extend([time.perf_counter()] * len(envelopes))
        next_tick += tick
        await asyncio.sleep(max(0.0, next_tick - time.perf_counter()))
    done.set()
    await asyncio.wait_for(watcher, timeout=60)
    latencies = sorted((seen - published) * 1000 for seen, published in zip(seen_at, published_at, strict=True))
    return {
        "visible_at_rate_per_s": rate,
        "visible_p50_ms": round(latencies[len(latencies) // 2], 1),
        "visible_p99_ms": round(latencies[int(len(latencies) * 0.99)], 1),
    }


async def ingest_figures(url: str, events: int, tmp: Path) -> dict[str, Any]:
    db = Database(url)
    fsync_every_commit(db)
    clock = SystemClock()
    recorder = AuditRecorder(SqlAuditStore(db), clock)
    baseline = await one_write_baseline(db, events)
    single = await one_event_per_commit(db, recorder, events, clock)
    batched = await store_batches(db, events * 5, clock)
    nats = await through_nats(db, recorder, events * 5, tmp, clock)
    for organization_id in ("ingest-org", "batch-org", "nats-org", "visible-org"):
        verdict = await AuditUseCases(SqlAuditStore(db), clock).verify_chain(system_principal("bench"), organization_id)
        assert verdict.intact, (organization_id, verdict)
    await db.dispose()
    return {
        "events": events,
        "baseline_one_insert_per_commit_per_s": round(baseline),
        "chained_one_event_per_commit_per_s": round(single),
        f"chained_{AUDIT_BATCH}_per_commit_per_s": round(batched),
        **nats,
        "nats_ratio_to_baseline": round(nats["nats_backlog_per_s"] / baseline, 2),
    }
