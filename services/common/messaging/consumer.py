"""Idempotent JetStream consumers: each event's effect applies once, a poison event is parked."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractContextManager

from google.protobuf.message import DecodeError
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import BadRequestError, NotFoundError
from opentelemetry import trace
from opentelemetry.trace import Link, Span, SpanKind
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.events.v1 import envelope_pb2

from services.common.clock import Clock, SystemClock
from services.common.db import Database
from services.common.ids import new_id
from services.common.messaging.bus import Backoff, Bus
from services.common.messaging.envelope import envelope_problem, producer_subjects, stream_name
from services.common.messaging.outbox import MessagingTables
from services.common.metrics import CONSUMER_LAG, EVENTS_HANDLED, EVENTS_PARKED, EVENTS_REDELIVERED
from services.common.telemetry import extract

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("tenantry.messaging")

EventHandler = Callable[[AsyncConnection, envelope_pb2.Envelope], Awaitable[None]]
# Applies several events, in order, in the caller's transaction: what a per-event handler does, with each
# statement issued once for the lot (the audit log chains a fetched batch with one insert).
BatchEventHandler = Callable[[AsyncConnection, list[envelope_pb2.Envelope]], Awaitable[None]]


class EventConsumer:
    """A durable JetStream pull consumer whose effects apply exactly once.

    Each handler runs inside a write transaction that also records the event id; redeliveries of a
    recorded event are acknowledged without running the handler again. After `max_deliver` failed
    attempts the message is parked (stored with its error) and terminated.
    """

    def __init__(
        self,
        *,
        name: str,
        db: Database,
        tables: MessagingTables,
        bus: Bus,
        producers: list[str],
        handlers: Mapping[str, EventHandler],
        fallback_handler: EventHandler | None = None,
        fallback_batch_handler: BatchEventHandler | None = None,
        clock: Clock | None = None,
        max_deliver: int = 5,
        ack_wait_seconds: float = 30,
        batch_size: int = 64,
    ):
        self.name = name
        self._db = db
        self._tables = tables
        self._bus = bus
        self._producers = producers
        self._handlers = dict(handlers)
        # Handles every event type without a handler of its own (e.g. the audit log records them all).
        self._fallback = fallback_handler
        # The fallback's batch form, used for the runs of a fetched batch that go to the fallback.
        self._fallback_batch = fallback_batch_handler
        self._clock = clock or SystemClock()
        self._max_deliver = max_deliver
        self._ack_wait = ack_wait_seconds
        self._batch_size = batch_size
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False

    def start(self) -> None:
        for producer in self._producers:
            self._tasks.append(asyncio.create_task(self._run(producer), name=f"consumer-{self.name}-{producer}"))

    async def stop(self) -> None:
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)

    async def _subscribe(self, producer: str) -> JetStreamContext.PullSubscription:
        await self._bus.ensure_stream(producer)
        config = ConsumerConfig(
            durable_name=self.name,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            max_deliver=self._max_deliver,
            ack_wait=self._ack_wait,
            max_ack_pending=1000,
        )
        return await self._bus.jetstream.pull_subscribe(
            producer_subjects(producer), durable=self.name, stream=stream_name(producer), config=config
        )

    async def _run(self, producer: str) -> None:
        subscription = None
        backoff = Backoff()
        while not self._stopping:
            try:
                await self._bus.connected.wait()
                if subscription is None:
                    subscription = await self._subscribe(producer)
                try:
                    messages = await subscription.fetch(self._batch_size, timeout=1)
                except NatsTimeoutError:
                    CONSUMER_LAG.labels(self.name, producer).set(0)  # nothing waiting: caught up
                    continue
                await self.handle_batch(messages)
                # Each delivery says how many of the stream's events the consumer has still to receive: its lag,
                # for free (no consumer-info round trip).
                if messages:  # a fetch can end with nothing while the cluster changes leader
                    CONSUMER_LAG.labels(self.name, producer).set(messages[-1].metadata.num_pending or 0)
                backoff.reset()
            except asyncio.CancelledError:
                raise
            except (NotFoundError, BadRequestError) as exc:
                log.warning("consumer lost its subscription; resubscribing", extra={"error": repr(exc)})
                subscription = None
                await backoff.wait()
            except Exception as exc:
                log.warning("consumer fetch failed; retrying", extra={"consumer": self.name, "error": repr(exc)})
                await backoff.wait()

    def _span(self, message: Msg, envelope: envelope_pb2.Envelope) -> AbstractContextManager[Span]:
        """The span of one event's handling, a child of the trace its producer started."""
        return _tracer.start_as_current_span(
            f"consume {envelope.type}",
            context=extract(message.headers),
            kind=SpanKind.CONSUMER,
            attributes={"messaging.system": "nats", "messaging.consumer.group.name": self.name},
        )

    async def handle_batch(self, messages: list[Msg]) -> None:
        """Apply a fetched batch in one transaction (one commit, not one per event); if anything in it
        fails, fall back to one transaction per message so a poison event affects only itself."""
        decoded: list[tuple[Msg, envelope_pb2.Envelope, EventHandler]] = []
        for message in messages:
            try:
                envelope = envelope_pb2.Envelope.FromString(message.data)
            except DecodeError:
                decoded = []
                break
            if envelope_problem(message.subject, envelope):
                decoded = []
                break
            handler = self._handlers.get(envelope.type, self._fallback)
            if handler is not None:
                decoded.append((message, envelope, handler))
        if len(decoded) < 2:
            for message in messages:
                await self.handle(message)
            return
        try:
            with _tracer.start_as_current_span(f"consume batch of {len(decoded)}", kind=SpanKind.CONSUMER):
                await self._apply_many(decoded)
        except asyncio.CancelledError:
            raise
        except Exception:
            for message in messages:
                await self.handle(message)
            return
        handled = {id(message) for message, _, _ in decoded}
        for message in messages:
            if id(message) not in handled:
                await message.ack()
        for message, _, _ in decoded:
            await message.ack()
        EVENTS_HANDLED.labels(self.name).inc(len(decoded))

    async def _apply_many(self, batch: list[tuple[Msg, envelope_pb2.Envelope, EventHandler]]) -> None:
        processed = self._tables.processed_events
        async with self._db.write() as connection:
            ids = [envelope.event_id for _, envelope, _ in batch]
            seen = set(
                (
                    await connection.execute(
                        select(processed.c.event_id).where(
                            processed.c.consumer == self.name, processed.c.event_id.in_(ids)
                        )
                    )
                ).scalars()
            )
            fresh: list[tuple[Msg, envelope_pb2.Envelope, EventHandler]] = []
            for message, envelope, handler in batch:
                if envelope.event_id not in seen:
                    seen.add(envelope.event_id)
                    fresh.append((message, envelope, handler))
            if not fresh:
                return
            now = self._clock.now()
            await connection.execute(
                insert(processed),
                [
                    {"consumer": self.name, "event_id": envelope.event_id, "processed_at": now}
                    for _, envelope, _ in fresh
                ],
            )
            run: list[tuple[Msg, envelope_pb2.Envelope]] = []  # consecutive events for the fallback's batch form
            for message, envelope, handler in fresh:
                if self._fallback_batch is not None and handler is self._fallback:
                    run.append((message, envelope))
                    continue
                if run:
                    await self._fallback_batch_of(connection, run)
                    run = []
                with self._span(message, envelope):
                    await handler(connection, envelope)
            if run:
                await self._fallback_batch_of(connection, run)

    async def _fallback_batch_of(
        self, connection: AsyncConnection, run: list[tuple[Msg, envelope_pb2.Envelope]]
    ) -> None:
        """The fallback's batch form over `run`. Each event still gets its span in its producer's trace, open
        while the batch applies; the batch's own span is a child of the first and links to all of them."""
        assert self._fallback_batch is not None
        spans = [
            _tracer.start_span(
                f"consume {envelope.type}",
                context=extract(message.headers),
                kind=SpanKind.CONSUMER,
                attributes={"messaging.system": "nats", "messaging.consumer.group.name": self.name},
            )
            for message, envelope in run
        ]
        try:
            with _tracer.start_as_current_span(
                f"consume batch of {len(run)}",
                context=trace.set_span_in_context(spans[0]),
                links=[Link(span.get_span_context()) for span in spans],
            ):
                await self._fallback_batch(connection, [envelope for _, envelope in run])
        finally:
            for span in spans:
                span.end()

    async def handle(self, message: Msg) -> None:
        try:
            envelope = envelope_pb2.Envelope.FromString(message.data)
        except DecodeError as exc:
            await self._park(message, "", f"undecodable envelope: {exc}")
            return
        problem = envelope_problem(message.subject, envelope)
        if problem:
            await self._park(message, envelope.event_id, f"untrusted event: {problem}")
            return
        handler = self._handlers.get(envelope.type, self._fallback)
        if handler is None:
            await message.ack()
            return
        with self._span(message, envelope):
            try:
                await self.apply(envelope, handler)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                deliveries = message.metadata.num_delivered or 1
                if deliveries >= self._max_deliver:
                    await self._park(message, envelope.event_id, repr(exc))
                else:
                    EVENTS_REDELIVERED.labels(self.name).inc()
                    log.warning(
                        "event handler failed; will be redelivered",
                        extra={"consumer": self.name, "event_type": envelope.type, "error": repr(exc)},
                    )
                    await message.nak(delay=min(2.0**deliveries * 0.5, 30.0))
                return
        await message.ack()
        EVENTS_HANDLED.labels(self.name).inc()

    async def apply(self, envelope: envelope_pb2.Envelope, handler: EventHandler) -> bool:
        """Run the handler once per event id; returns False when the event was handled before."""
        processed = self._tables.processed_events
        async with self._db.write() as connection:
            seen = await connection.scalar(
                select(processed.c.event_id).where(
                    processed.c.consumer == self.name, processed.c.event_id == envelope.event_id
                )
            )
            if seen is not None:
                return False
            await self._record_processed(connection, envelope)
            await handler(connection, envelope)
        return True

    async def _record_processed(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        await connection.execute(
            insert(self._tables.processed_events).values(
                consumer=self.name, event_id=envelope.event_id, processed_at=self._clock.now()
            )
        )

    async def _park(self, message: Msg, event_id: str, error: str) -> None:
        EVENTS_PARKED.labels(self.name).inc()
        log.error(
            "event parked after repeated failures",
            extra={"consumer": self.name, "event_id": event_id, "subject": message.subject, "error": error},
        )
        async with self._db.write() as connection:
            await connection.execute(
                insert(self._tables.parked_events).values(
                    id=new_id(),
                    consumer=self.name,
                    event_id=event_id,
                    subject=message.subject,
                    payload=message.data,
                    error=error[:4000],
                    deliveries=message.metadata.num_delivered or 1,
                    parked_at=self._clock.now(),
                )
            )
        await message.term()
