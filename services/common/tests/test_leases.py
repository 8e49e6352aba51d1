"""Leases let N replicas share work that one at a time must do: the outbox relay and periodic jobs, on SQLite and
PostgreSQL, with real NATS."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import MetaData, select
from tenantry.events.v1 import envelope_pb2, identity_events_pb2

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.leases import Lease
from services.common.messaging import (
    Bus,
    Outbox,
    OutboxRelay,
    actor_from_principal,
    messaging_tables,
    new_envelope,
    stream_name,
)
from services.common.nats_server import NatsServer
from services.common.periodic import PeriodicWorker
from services.common.principal import system_principal
from services.common.testing import eventually

metadata = MetaData()
tables = messaging_tables(metadata)


def account_created(number: int) -> envelope_pb2.Envelope:
    return new_envelope(
        producer="identity",
        event_type="account.created",
        organization_id="org-1",
        actor=actor_from_principal(system_principal()),
        payload=identity_events_pb2.AccountCreated(account_id=f"a{number}", email=f"p{number}@acme.test"),
        occurred_at=datetime.now(UTC),
    )


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield database
    await database.dispose()


@pytest.fixture
async def bus(nats_server: NatsServer) -> AsyncIterator[Bus]:
    connected = Bus(nats_server.url, "test")
    connected.start()
    await connected.connected.wait()
    yield connected
    await connected.close()


async def test_a_lease_has_one_holder_until_it_expires_or_is_released(db: Database) -> None:
    clock = FrozenClock()
    first, second = (Lease(db, tables.leases, "relay", 30, clock, holder) for holder in ("replica-a", "replica-b"))

    assert await first.acquire()
    assert not await second.acquire()
    clock.advance(timedelta(seconds=20))
    assert await first.acquire()  # renewed for another 30 s
    clock.advance(timedelta(seconds=20))
    assert not await second.acquire()

    clock.advance(timedelta(seconds=31))  # the holder died: its lease ran out
    assert await second.acquire()
    assert not await first.acquire()
    await second.release()  # a graceful stop hands it over at once
    assert await first.acquire()


async def test_replicas_racing_for_an_expired_lease_never_both_win(db: Database) -> None:
    clock = FrozenClock()
    replicas = [Lease(db, tables.leases, "renewals", 30, clock, f"replica-{n}") for n in range(4)]
    for _ in range(10):
        clock.advance(timedelta(seconds=31))
        won = await asyncio.gather(*(replica.acquire() for replica in replicas))
        assert won.count(True) == 1


async def test_two_relays_publish_every_event_once_and_the_survivor_takes_over(db: Database, bus: Bus) -> None:
    outbox = Outbox(tables)
    relays = {
        holder: OutboxRelay(
            db, tables, bus, "identity", poll_seconds=0.05, lease=Lease(db, tables.leases, "relay", 30, holder=holder)
        )
        for holder in ("replica-a", "replica-b")
    }
    for relay in relays.values():
        outbox.on_recorded(relay.wake)
        relay.start()

    async def record(numbers: range) -> None:
        for number in numbers:
            async with db.write() as connection:
                await outbox.record(connection, account_created(number))
            outbox.notify()

    async def published() -> list[int]:
        async with db.read() as connection:
            rows = await connection.execute(select(tables.outbox.c.attempts, tables.outbox.c.published_at))
            return [attempts for attempts, published_at in rows if published_at is not None]

    async def published_count_is(expected: int) -> bool:
        return len(await published()) == expected

    async def holder() -> str:
        async with db.read() as connection:
            return str(await connection.scalar(select(tables.leases.c.holder)))

    try:
        await record(range(40))
        await eventually(lambda: published_count_is(40), timeout=30)
        working = await holder()
        await relays.pop(working).stop()  # the working replica goes away
        await record(range(40, 60))
        await eventually(lambda: published_count_is(60), timeout=30)
    finally:
        for relay in relays.values():
            await relay.stop()

    assert await published() == [1] * 60  # each row published by one relay, once
    assert (await bus.jetstream.stream_info(stream_name("identity"))).state.messages == 60


async def test_a_periodic_job_runs_only_on_the_replica_holding_its_lease(db: Database) -> None:
    passes: dict[str, int] = {"replica-a": 0, "replica-b": 0}

    def counting(holder: str) -> PeriodicWorker:
        async def run_pass() -> int:
            passes[holder] += 1
            return 0

        return PeriodicWorker(f"job-{holder}", run_pass, 0.02, Lease(db, tables.leases, "job", 30, holder=holder))

    workers = [counting(holder) for holder in passes]
    for worker in workers:
        worker.start()
    try:
        await eventually(lambda: sum(passes.values()) >= 10, timeout=20)
        # Read before stopping: the first worker stopped releases the lease, and the other may then rightly take it.
        while_both_ran = dict(passes)
    finally:
        for worker in workers:
            await worker.stop()

    assert sorted(while_both_ran.values())[0] == 0  # one replica ran every pass, the other none
