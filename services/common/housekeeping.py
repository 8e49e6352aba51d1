"""Housekeeping every service runs: pruning the tables that only grow (on one replica, under a lease) and the gauges
an SRE watches (on every replica): outbox backlog and age, parked events, database pool.

Retention (settings, in days): sent outbox rows (`OUTBOX_RETENTION_DAYS`, 7: JetStream de-duplicates by event id
only for minutes, so an old row is of no use), processed event ids (`PROCESSED_EVENTS_RETENTION_DAYS`, 14: an id is
needed only while its event could be delivered again), idempotency keys (`IDEMPOTENCY_RETENTION_DAYS`, 7: a retry
later than that is a new request) and parked events (`PARKED_EVENTS_RETENTION_DAYS`, 30: time to look at them),
sent mails (`SENT_MAIL_RETENTION_DAYS`, 7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from prometheus_client import Gauge
from sqlalchemy import Table, delete, func, select

from services.common.clock import Clock
from services.common.db import Database
from services.common.messaging import MessagingTables

OUTBOX_BACKLOG = Gauge("tenantry_outbox_backlog", "Outbox rows not yet published", ["service"])
OUTBOX_OLDEST_SECONDS = Gauge(
    "tenantry_outbox_oldest_unpublished_seconds", "Age of the oldest unpublished outbox row (0: none)", ["service"]
)
PARKED_EVENTS = Gauge("tenantry_parked_events", "Events parked after repeated failures, kept for review", ["service"])
DB_POOL_CHECKED_OUT = Gauge("tenantry_db_pool_checked_out", "Database connections in use", ["service"])
PRUNED_ROWS = Gauge("tenantry_pruned_rows", "Rows deleted by the last retention pass", ["service", "table"])


@dataclass(frozen=True)
class Retention:
    outbox: timedelta = timedelta(days=7)
    processed_events: timedelta = timedelta(days=14)
    idempotency_keys: timedelta = timedelta(days=7)
    parked_events: timedelta = timedelta(days=30)
    sent_mail: timedelta = timedelta(days=7)


class Housekeeping:
    def __init__(
        self,
        service: str,
        db: Database,
        tables: MessagingTables,
        clock: Clock,
        retention: Retention,
        idempotency_keys: Table | None = None,
        mail_outbox: Table | None = None,
    ):
        self._service = service
        self._db = db
        self._tables = tables
        self._clock = clock
        self._retention = retention
        self._idempotency_keys = idempotency_keys
        self._mail_outbox = mail_outbox

    async def prune(self) -> int:
        """Delete what outlived its retention; returns how many rows went."""
        now, tables, retention = self._clock.now(), self._tables, self._retention
        targets = [
            (tables.outbox, tables.outbox.c.published_at, retention.outbox),
            (tables.processed_events, tables.processed_events.c.processed_at, retention.processed_events),
            (tables.parked_events, tables.parked_events.c.parked_at, retention.parked_events),
        ]
        if self._idempotency_keys is not None:
            keys = self._idempotency_keys
            targets.append((keys, keys.c.created_at, retention.idempotency_keys))
        if self._mail_outbox is not None:
            targets.append((self._mail_outbox, self._mail_outbox.c.sent_at, retention.sent_mail))
        total = 0
        for table, when, keep in targets:
            # A NULL time (unpublished, unsent) never compares older: pending work is never pruned.
            async with self._db.write() as connection:
                deleted = (await connection.execute(delete(table).where(when < now - keep))).rowcount or 0
            PRUNED_ROWS.labels(self._service, table.name).set(deleted)
            total += deleted
        return total

    async def measure(self) -> int:
        """Refresh the gauges; returns 0 (nothing handled, so the worker logs nothing)."""
        outbox, parked = self._tables.outbox, self._tables.parked_events
        async with self._db.read() as connection:
            backlog, oldest = (
                await connection.execute(
                    select(func.count(), func.min(outbox.c.created_at)).where(outbox.c.published_at.is_(None))
                )
            ).one()
            parked_count = await connection.scalar(select(func.count()).select_from(parked))
        OUTBOX_BACKLOG.labels(self._service).set(backlog)
        age = (self._clock.now() - oldest).total_seconds() if oldest is not None else 0.0
        OUTBOX_OLDEST_SECONDS.labels(self._service).set(max(age, 0.0))
        PARKED_EVENTS.labels(self._service).set(parked_count or 0)
        checked_out = getattr(self._db.engine.pool, "checkedout", None)
        if callable(checked_out):
            DB_POOL_CHECKED_OUT.labels(self._service).set(checked_out())
        return 0
