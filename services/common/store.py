"""The unit of work every service's store builds on: a transaction that can record domain events in the
outbox and remember idempotent responses, and a store that opens such transactions and wakes the relay
after a commit that recorded events."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, Generic, TypeVar

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.events.v1 import envelope_pb2

from services.common import idempotency
from services.common.clock import Clock, SystemClock
from services.common.db import Database
from services.common.messaging import Outbox

# One domain event becomes one envelope, or several when a service derives further events from it (billing
# announces entitlements.changed with the subscription change that caused it).
EventToEnvelope = Callable[[Any], envelope_pb2.Envelope | Sequence[envelope_pb2.Envelope]]


def _envelopes(to_envelope: EventToEnvelope, events: tuple[object, ...]) -> list[envelope_pb2.Envelope]:
    envelopes: list[envelope_pb2.Envelope] = []
    for event in events:
        made = to_envelope(event)
        envelopes.extend([made] if isinstance(made, envelope_pb2.Envelope) else made)
    return envelopes


class OutboxTransaction:
    """Base of a service's transaction: its queries go in the subclass."""

    idempotency_keys: Table | None = None

    def __init__(
        self,
        connection: AsyncConnection,
        outbox: Outbox | None = None,
        clock: Clock | None = None,
        to_envelope: EventToEnvelope | None = None,
    ):
        self.connection = connection
        self._outbox = outbox
        self._clock = clock or SystemClock()
        self._to_envelope = to_envelope
        self.recorded_events = False

    async def record_events(self, *events: object) -> None:
        """Write the events to the outbox in this transaction; they are published after it commits."""
        if self._outbox is None or self._to_envelope is None:
            raise RuntimeError("this transaction cannot record events (read-only or borrowed connection)")
        await self._outbox.record(self.connection, *_envelopes(self._to_envelope, events))
        self.recorded_events = True

    def _idempotency_table(self) -> Table:
        if self.idempotency_keys is None:
            raise RuntimeError(f"{type(self).__name__} has no idempotency table")
        return self.idempotency_keys

    async def load_idempotent(self, scope: str, operation: str, request_id: str, fingerprint: str = "") -> bytes | None:
        return await idempotency.load_response(
            self.connection, self._idempotency_table(), scope, operation, request_id, fingerprint
        )

    async def save_idempotent(
        self, scope: str, operation: str, request_id: str, response: bytes, fingerprint: str = ""
    ) -> None:
        await idempotency.save_response(
            self.connection,
            self._idempotency_table(),
            scope,
            operation,
            request_id,
            response,
            self._clock.now(),
            fingerprint,
        )


TransactionT = TypeVar("TransactionT", bound=OutboxTransaction)


class OutboxStore(Generic[TransactionT]):
    """Opens write transactions (events allowed) and read transactions (events refused)."""

    def __init__(
        self,
        transaction_class: type[TransactionT],
        db: Database,
        outbox: Outbox,
        clock: Clock,
        to_envelope: EventToEnvelope,
    ):
        self._transaction_class = transaction_class
        self._db = db
        self._outbox = outbox
        self._clock = clock
        self._to_envelope = to_envelope

    @asynccontextmanager
    async def write(self) -> AsyncIterator[TransactionT]:
        async with self._db.write() as connection:
            transaction = self._transaction_class(connection, self._outbox, self._clock, self._to_envelope)
            yield transaction
        if transaction.recorded_events:
            self._outbox.notify()

    def bind(self, connection: AsyncConnection) -> TransactionT:
        """A transaction on a connection the caller holds (a consumer applying an event), able to record
        events that commit with the caller's transaction; the relay's next poll publishes them."""
        return self._transaction_class(connection, self._outbox, self._clock, self._to_envelope)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[TransactionT]:
        async with self._db.read() as connection:
            yield self._transaction_class(connection, None, self._clock, None)
