"""The outbox and inbox tables every service keeps, and the outbox write made in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table, Text, insert
from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.events.v1 import envelope_pb2

from services.common.clock import Clock, SystemClock
from services.common.db import UTCDateTime
from services.common.messaging.envelope import subject_of

MAX_EVENT_BYTES = 512 * 1024


@dataclass(frozen=True)
class MessagingTables:
    outbox: Table
    processed_events: Table
    parked_events: Table


def messaging_tables(metadata: MetaData) -> MessagingTables:
    """The outbox and inbox tables every service keeps in its own database."""
    outbox = Table(
        "outbox",
        metadata,
        Column("id", String(36), primary_key=True, comment="event id, also the Nats-Msg-Id"),
        Column("subject", String(255), nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("published_at", UTCDateTime, nullable=True, index=True),
        Column("attempts", Integer, nullable=False, default=0),
    )
    processed = Table(
        "processed_events",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(36), primary_key=True),
        Column("processed_at", UTCDateTime, nullable=False),
    )
    parked = Table(
        "parked_events",
        metadata,
        Column("id", String(36), primary_key=True),
        Column("consumer", String(100), nullable=False),
        Column("event_id", String(36), nullable=False),
        Column("subject", String(255), nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("error", Text, nullable=False),
        Column("deliveries", Integer, nullable=False),
        Column("parked_at", UTCDateTime, nullable=False),
    )
    return MessagingTables(outbox, processed, parked)


class Outbox:
    """Writes events in the caller's transaction; the relay is woken after commit."""

    def __init__(self, tables: MessagingTables, clock: Clock | None = None):
        self._table = tables.outbox
        self._clock = clock or SystemClock()
        self._listeners: list[Callable[[], None]] = []

    def on_recorded(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    async def record(self, connection: AsyncConnection, *envelopes: envelope_pb2.Envelope) -> None:
        if not envelopes:
            return
        rows = []
        for envelope in envelopes:
            data = envelope.SerializeToString()
            if len(data) > MAX_EVENT_BYTES:
                raise ValueError(f"event {envelope.type} is {len(data)} bytes, over {MAX_EVENT_BYTES}")
            rows.append(
                {
                    "id": envelope.event_id,
                    "subject": subject_of(envelope.type),
                    "payload": data,
                    "created_at": self._clock.now(),
                    "attempts": 0,
                }
            )
        await connection.execute(insert(self._table), rows)

    def notify(self) -> None:
        """Tell the relay there is something to publish (call after the transaction commits)."""
        for listener in self._listeners:
            listener()
