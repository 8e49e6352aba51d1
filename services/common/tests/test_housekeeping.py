"""Tables that only grow are pruned by retention, pending work never is, and the gauges show the backlog."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import MetaData, func, insert, select

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.housekeeping import Housekeeping, Retention
from services.common.messaging import messaging_tables
from services.common.tables import core_table, idempotency_model, model_base

metadata = MetaData()
tables = messaging_tables(metadata)
idempotency_keys = core_table(idempotency_model(model_base(metadata)))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield database
    await database.dispose()


async def test_old_rows_are_pruned_and_pending_work_is_kept(db: Database) -> None:
    clock = FrozenClock()

    def days(count: int) -> datetime:
        return clock.now() - timedelta(days=count)

    async with db.write() as connection:
        outbox = [("sent-long-ago", days(9), days(8)), ("sent-yesterday", days(1), days(1)), ("stuck", days(30), None)]
        for event_id, created, published in outbox:
            await connection.execute(
                insert(tables.outbox).values(
                    id=event_id, subject="s", payload=b"", created_at=created, published_at=published
                )
            )
        for event_id, processed in (("old", days(15)), ("recent", days(2))):
            await connection.execute(
                insert(tables.processed_events).values(consumer="c", event_id=event_id, processed_at=processed)
            )
        for parked_id, parked in (("parked-old", days(31)), ("parked-new", days(3))):
            await connection.execute(
                insert(tables.parked_events).values(
                    id=parked_id,
                    consumer="c",
                    event_id=parked_id,
                    subject="s",
                    payload=b"",
                    error="e",
                    deliveries=5,
                    parked_at=parked,
                )
            )
        for key, created in (("old-key", days(8)), ("new-key", days(1))):
            await connection.execute(
                insert(idempotency_keys).values(scope="org", operation="op", request_id=key, created_at=created)
            )
    housekeeping = Housekeeping("identity", db, tables, clock, Retention(), idempotency_keys=idempotency_keys)

    assert await housekeeping.prune() == 4
    assert await housekeeping.prune() == 0

    async with db.read() as connection:
        assert set(await connection.scalars(select(tables.outbox.c.id))) == {"sent-yesterday", "stuck"}
        assert list(await connection.scalars(select(tables.processed_events.c.event_id))) == ["recent"]
        assert list(await connection.scalars(select(tables.parked_events.c.id))) == ["parked-new"]
        assert await connection.scalar(select(func.count()).select_from(idempotency_keys)) == 1

    await housekeeping.measure()

    def gauge(name: str) -> float | None:
        return REGISTRY.get_sample_value(name, {"service": "identity"})

    assert gauge("tenantry_outbox_backlog") == 1
    assert gauge("tenantry_outbox_oldest_unpublished_seconds") == timedelta(days=30).total_seconds()
    assert gauge("tenantry_parked_events") == 1
