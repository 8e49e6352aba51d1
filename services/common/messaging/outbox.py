"""The outbox and inbox tables every service keeps, and the outbox write made in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import MetaData, Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.events.v1 import envelope_pb2

from services.common.clock import Clock, SystemClock
from services.common.messaging.envelope import subject_of
from services.common.tables import core_table, messaging_models, model_base

MAX_EVENT_BYTES = 512 * 1024


@dataclass(frozen=True)
class MessagingTables:
    outbox: Table
    processed_events: Table
    parked_events: Table
    # Which replica runs the work only one should run at a time (the relay, periodic jobs).
    leases: Table


def messaging_tables(metadata: MetaData) -> MessagingTables:
    """The outbox and inbox tables every service keeps in its own database."""
    models = messaging_models(model_base(metadata))
    return MessagingTables(
        core_table(models.outbox),
        core_table(models.processed_events),
        core_table(models.parked_events),
        core_table(models.leases),
    )


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
