"""The outbox, its relay and idempotent consumers against a real nats-server and real databases."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.events.v1 import envelope_pb2, identity_events_pb2, membership_events_pb2

from services.common.db import Database
from services.common.messaging import (
    Bus,
    EventConsumer,
    Outbox,
    OutboxRelay,
    actor_from_principal,
    messaging_tables,
    new_envelope,
    stream_name,
)
from services.common.nats_server import NatsServer
from services.common.principal import system_principal
from services.common.testing import eventually

metadata = MetaData()
tables = messaging_tables(metadata)
effects = Table("effects", metadata, Column("event_id", String(36), primary_key=True), Column("n", Integer))


def account_created(email: str) -> envelope_pb2.Envelope:
    return new_envelope(
        producer="identity",
        event_type="account.created",
        organization_id="org-1",
        actor=actor_from_principal(system_principal()),
        payload=identity_events_pb2.AccountCreated(account_id="a", email=email),
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


def consumer_of(db: Database, bus: Bus, name: str, producer: str, **options: Any) -> EventConsumer:
    return EventConsumer(name=name, db=db, tables=tables, bus=bus, producers=[producer], **options)


async def publish_directly(bus: Bus, subject: str, envelope: envelope_pb2.Envelope) -> None:
    """Put an event on a stream without an outbox, as any client allowed on the stream could."""
    await bus.jetstream.publish(subject, envelope.SerializeToString(), headers={"Nats-Msg-Id": envelope.event_id})


async def stored_messages(bus: Bus, producer: str = "identity") -> int:
    return int((await bus.jetstream.stream_info(stream_name(producer))).state.messages)


async def test_committed_events_are_published_once_even_when_republished(db: Database, bus: Bus) -> None:
    outbox = Outbox(tables)
    envelope = account_created("a@acme.test")
    async with db.write() as connection:
        await outbox.record(connection, envelope)
    relay = OutboxRelay(db, tables, bus, "identity")
    await bus.ensure_stream("identity")
    assert await relay.publish_pending() == 1
    assert await relay.publish_pending() == 0
    # As if the relay had crashed after publishing and before marking: the broker drops the copy.
    async with db.write() as connection:
        await connection.execute(tables.outbox.update().values(published_at=None))
    assert await relay.publish_pending() == 1
    assert await stored_messages(bus) == 1


async def test_a_rolled_back_transaction_publishes_nothing(db: Database, bus: Bus) -> None:
    outbox = Outbox(tables)
    with pytest.raises(RuntimeError):
        async with db.write() as connection:
            await outbox.record(connection, account_created("b@acme.test"))
            raise RuntimeError("the use case failed after writing")
    await bus.ensure_stream("identity")
    assert await OutboxRelay(db, tables, bus, "identity").publish_pending() == 0
    assert await stored_messages(bus) == 0


async def test_a_redelivered_event_changes_state_only_once(db: Database, bus: Bus) -> None:
    async def count(connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        await connection.execute(insert(effects).values(event_id=envelope.event_id, n=1))

    consumer = consumer_of(db, bus, "counter", "identity", handlers={"identity.account.created": count})
    envelope = account_created("c@acme.test")
    assert await consumer.apply(envelope, count) is True
    assert await consumer.apply(envelope, count) is False
    async with db.read() as connection:
        assert await connection.scalar(select(func.count()).select_from(effects)) == 1


async def test_a_poison_event_is_parked_and_later_events_keep_flowing(db: Database, bus: Bus) -> None:
    handled: list[str] = []

    async def fragile(connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        created = identity_events_pb2.AccountCreated()
        envelope.payload.Unpack(created)
        if created.email.startswith("poison"):
            raise ValueError("this event can never be handled")
        handled.append(created.email)

    await bus.ensure_stream("identity")
    consumer = consumer_of(
        db, bus, "fragile", "identity", handlers={"identity.account.created": fragile}, max_deliver=2
    )

    def parked_count() -> float:
        return REGISTRY.get_sample_value("tenantry_events_parked_total", {"consumer": "fragile"}) or 0.0

    parked_before = parked_count()
    for email in ("poison@acme.test", "fine@acme.test"):
        await publish_directly(bus, "tenantry.identity.account.created", account_created(email))
    consumer.start()
    try:
        await eventually(lambda: handled == ["fine@acme.test"], timeout=15)

        async def parked() -> int:
            async with db.read() as connection:
                return int(await connection.scalar(select(func.count()).select_from(tables.parked_events)) or 0)

        await eventually(parked, timeout=15)
        assert parked_count() == parked_before + 1
    finally:
        await consumer.stop()


async def test_an_event_whose_tenant_or_type_disagrees_is_parked_and_never_applied(db: Database, bus: Bus) -> None:
    """T4: an event whose payload names another organization than its envelope, or whose type is not the one
    its subject carries, is refused at once; honest events around it are applied."""
    applied: list[str] = []

    async def record(connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        applied.append(envelope.event_id)

    await bus.ensure_stream("membership")
    consumer = consumer_of(db, bus, "tenant-check", "membership", handlers={}, fallback_handler=record)

    def renamed(
        envelope_tenant: str, payload_tenant: str, event_type: str = "organization.updated"
    ) -> envelope_pb2.Envelope:
        return new_envelope(
            producer="membership",
            event_type=event_type,
            organization_id=envelope_tenant,
            actor=actor_from_principal(system_principal()),
            payload=membership_events_pb2.OrganizationUpdated(organization_id=payload_tenant, display_name="X"),
            occurred_at=datetime.now(UTC),
        )

    forged_tenant = renamed("org-a", "org-b")
    forged_type = renamed("org-a", "org-a", "organization.deleted")
    honest = renamed("org-a", "org-a")
    for envelope in (forged_tenant, forged_type, honest):
        subject = "tenantry.membership.organization.updated"
        await publish_directly(bus, subject, envelope)
    consumer.start()
    try:
        await eventually(lambda: applied == [honest.event_id], timeout=15)

        async def parked() -> list[str]:
            async with db.read() as connection:
                return list((await connection.execute(select(tables.parked_events.c.error))).scalars())

        async def both_parked() -> list[str]:
            errors = await parked()
            return errors if len(errors) == 2 else []

        errors = await eventually(both_parked, timeout=15)
        assert isinstance(errors, list)
        assert any("disagrees" in error for error in errors)
        assert any("does not match the event type" in error for error in errors)
        assert applied == [honest.event_id]
    finally:
        await consumer.stop()


async def test_a_relay_started_while_nats_is_down_publishes_once_it_is_back(
    db: Database, nats_server: NatsServer
) -> None:
    nats_server.stop()
    outbox = Outbox(tables)
    async with db.write() as connection:
        await outbox.record(connection, account_created("late@acme.test"))
    bus = Bus(nats_server.url, "late")
    bus.start()
    relay = OutboxRelay(db, tables, bus, "identity", poll_seconds=0.1)
    relay.start()
    try:
        nats_server.start()

        async def published() -> bool:
            async with db.read() as connection:
                return (
                    await connection.scalar(
                        select(func.count()).select_from(tables.outbox).where(tables.outbox.c.published_at.is_(None))
                    )
                ) == 0

        await eventually(published, timeout=20)
    finally:
        await relay.stop()
        await bus.close()


async def test_a_consumer_reports_how_many_events_it_has_still_to_receive(db: Database, bus: Bus) -> None:
    """The lag gauge follows the stream: 6 behind after the first batch of 4 out of 10, 0 once caught up."""
    gate = asyncio.Event()
    handled: list[str] = []

    async def slow_after_the_first_batch(connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        if len(handled) == 4:
            await gate.wait()
        handled.append(envelope.event_id)

    def lag() -> float | None:
        return REGISTRY.get_sample_value(
            "tenantry_consumer_lag_events", {"consumer": "lagging", "producer": "identity"}
        )

    await bus.ensure_stream("identity")
    for number in range(10):
        await publish_directly(bus, "tenantry.identity.account.created", account_created(f"p{number}@acme.test"))
    consumer = consumer_of(
        db, bus, "lagging", "identity", handlers={"identity.account.created": slow_after_the_first_batch}, batch_size=4
    )
    consumer.start()
    try:
        await eventually(lambda: lag() == 6, timeout=15)
        gate.set()
        await eventually(lambda: len(handled) == 10 and lag() == 0, timeout=15)
    finally:
        gate.set()
        await consumer.stop()
