"""Domain events: the envelope, the transactional outbox, its relay to JetStream, and idempotent consumers.

A service writes its state change and its event in one transaction (`Outbox.record`). The relay
publishes unpublished rows with the event id as `Nats-Msg-Id`, so a row published twice (crash after
publish, before marking) is stored once. Consumers record each handled event id in their own database in
the same transaction as the effect, so a redelivery changes nothing. A message that keeps failing is
parked in the consumer's database and terminated, so it never blocks the ones behind it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import nats
from google.protobuf import descriptor_pool, message_factory
from google.protobuf.message import DecodeError, Message
from google.protobuf.timestamp_pb2 import Timestamp
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.errors import ConnectionClosedError, NoServersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError
from opentelemetry import trace
from opentelemetry.trace import SpanKind
from sqlalchemy import (
    MetaData,
    Table,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from tenantry.common.v1 import common_pb2
from tenantry.events.v1 import envelope_pb2

from services.common.clock import Clock, SystemClock
from services.common.db import Database
from services.common.ids import new_id
from services.common.metrics import EVENTS_HANDLED, EVENTS_PARKED, EVENTS_PUBLISHED, EVENTS_REDELIVERED
from services.common.principal import Principal
from services.common.tables import core_table, messaging_models, model_base
from services.common.telemetry import extract, inject_current

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("tenantry.messaging")

SUBJECT_PREFIX = "tenantry"
# Longer than any relay retry gap we expect (crash, restart, republish); consumers' inboxes cover the rest.
DUPLICATE_WINDOW_SECONDS = 10 * 60
STREAM_MAX_AGE_SECONDS = 30 * 24 * 3600
MAX_EVENT_BYTES = 512 * 1024

ACTOR_TYPES = {
    "user": common_pb2.ACTOR_TYPE_USER,
    "api_key": common_pb2.ACTOR_TYPE_API_KEY,
    "scim": common_pb2.ACTOR_TYPE_SCIM,
    "system": common_pb2.ACTOR_TYPE_SYSTEM,
    "service_account": common_pb2.ACTOR_TYPE_SERVICE_ACCOUNT,
}


def stream_name(producer: str) -> str:
    return f"TENANTRY_{producer.upper()}"


def actor_from_principal(principal: Principal) -> common_pb2.Actor:
    return common_pb2.Actor(
        type=ACTOR_TYPES.get(principal.actor_type, common_pb2.ACTOR_TYPE_UNSPECIFIED),
        id=principal.actor_id,
        display=principal.actor_display,
        ip_address=principal.ip_address,
        user_agent=principal.user_agent,
    )


def timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


@dataclass(frozen=True)
class EventTarget:
    type: str
    id: str
    display: str = ""


def new_envelope(
    *,
    producer: str,
    event_type: str,
    organization_id: str,
    actor: common_pb2.Actor,
    payload: Message,
    occurred_at: datetime,
    target: EventTarget | None = None,
    request_id: str = "",
) -> envelope_pb2.Envelope:
    """An envelope for `<producer>.<entity>.<verb>`, carrying the current trace context."""
    trace_headers = inject_current()
    envelope = envelope_pb2.Envelope(
        event_id=new_id(),
        organization_id=organization_id,
        actor=actor,
        occurred_at=timestamp(occurred_at),
        type=f"{producer}.{event_type}",
        request_id=request_id,
        traceparent=trace_headers.get("traceparent", ""),
        tracestate=trace_headers.get("tracestate", ""),
        producer=producer,
    )
    envelope.payload.Pack(payload)
    if target is not None:
        envelope.target.CopyFrom(envelope_pb2.Target(type=target.type, id=target.id, display=target.display))
    return envelope


def envelope_problem(subject: str, envelope: envelope_pb2.Envelope) -> str:
    """Why an event cannot be trusted, or "" (RELIABILITY.md T4). Its subject must be the one its type
    publishes to, on its producer's stream (which only that service may write to), and every
    `organization_id` in its payload must be the envelope's: a forged tenant is parked, never applied."""
    if subject != f"{SUBJECT_PREFIX}.{envelope.type}":
        return f"subject {subject!r} does not match the event type {envelope.type!r}"
    if not envelope.producer or not envelope.type.startswith(f"{envelope.producer}."):
        return f"event type {envelope.type!r} does not belong to producer {envelope.producer!r}"
    try:
        payload = unpack_known(envelope)
    except DecodeError:
        return f"payload is not a valid {envelope.payload.TypeName()}"
    if payload is None:
        return ""  # An event type this service does not know; its handler (if any) decides.
    for tenant in _organization_ids(payload):
        if tenant and tenant != envelope.organization_id:
            return f"payload organization {tenant!r} disagrees with the envelope's {envelope.organization_id!r}"
    return ""


def unpack_known(envelope: envelope_pb2.Envelope) -> Message | None:
    """The payload as its own message type when that type is known to this process, else None;
    DecodeError when the bytes do not parse as that type."""
    if not envelope.HasField("payload"):
        return None
    try:
        descriptor = descriptor_pool.Default().FindMessageTypeByName(envelope.payload.TypeName())
    except KeyError:
        return None
    payload = message_factory.GetMessageClass(descriptor)()
    if not envelope.payload.Unpack(payload):
        raise DecodeError(f"payload is not a valid {descriptor.full_name}")
    return payload


def _organization_ids(payload: Message) -> list[str]:
    """`organization_id` of the payload and of the messages directly inside it."""
    found = []
    for field, value in payload.ListFields():
        if field.name == "organization_id" and isinstance(value, str):
            found.append(value)
        elif field.message_type is not None and isinstance(value, Message):
            found += [v for f, v in value.ListFields() if f.name == "organization_id" and isinstance(v, str)]
    return found


@dataclass(frozen=True)
class MessagingTables:
    outbox: Table
    processed_events: Table
    parked_events: Table


def messaging_tables(metadata: MetaData) -> MessagingTables:
    """The outbox and inbox tables every service keeps in its own database."""
    models = messaging_models(model_base(metadata))
    return MessagingTables(
        core_table(models.outbox), core_table(models.processed_events), core_table(models.parked_events)
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
                    "subject": f"{SUBJECT_PREFIX}.{envelope.type}",
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


class Bus:
    """One NATS connection with JetStream. Connects in the background and keeps reconnecting, so a
    service starts and serves while NATS is down; the outbox holds its events meanwhile."""

    def __init__(self, url: str, name: str):
        self.url = url
        self.name = name
        self.connected = asyncio.Event()
        self._client: NatsClient | None = None
        self._jetstream: JetStreamContext | None = None
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    @property
    def client(self) -> NatsClient:
        if self._client is None:
            raise RuntimeError("NATS is not connected yet")
        return self._client

    @property
    def jetstream(self) -> JetStreamContext:
        # One context per connection: it owns the reply inbox of pipelined (async) publishes.
        if self._jetstream is None:
            self._jetstream = self.client.jetstream()
        return self._jetstream

    def start(self) -> None:
        self._task = asyncio.create_task(self._connect_loop(), name=f"nats-connect-{self.name}")

    async def _connect_loop(self) -> None:
        delay = 0.2
        while not self._closing:
            try:
                self._client = await nats.connect(
                    servers=[self.url],
                    name=self.name,
                    allow_reconnect=True,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=0.5,
                    connect_timeout=2,
                    disconnected_cb=self._on_disconnected,
                    reconnected_cb=self._on_reconnected,
                    error_cb=self._on_error,
                )
            except (TimeoutError, NoServersError, OSError, NatsTimeoutError) as exc:
                log.warning("NATS not reachable yet, retrying", extra={"url": self.url, "error": str(exc)})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            log.info("connected to NATS", extra={"url": self.url})
            self.connected.set()
            return

    async def _on_disconnected(self) -> None:
        if not self._closing:
            log.warning("disconnected from NATS")

    async def _on_reconnected(self) -> None:
        log.info("reconnected to NATS")

    async def _on_error(self, exc: Exception) -> None:
        log.debug("NATS client error", extra={"error": str(exc)})

    @property
    def is_connected(self) -> bool:
        return self._client is not None and self._client.is_connected

    async def ensure_stream(self, producer: str) -> None:
        """Create or update a producer's stream with the suite's durability settings."""
        config = StreamConfig(
            name=stream_name(producer),
            subjects=[f"{SUBJECT_PREFIX}.{producer}.>"],
            storage=StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
            max_age=STREAM_MAX_AGE_SECONDS,
        )
        try:
            await self.jetstream.add_stream(config)
        except BadRequestError:
            await self.jetstream.update_stream(config)

    async def close(self) -> None:
        self._closing = True
        if self._task is not None:
            # nats-py can swallow a cancellation that lands inside connect(); never wait on it unbounded.
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=2)
        if self._client is not None and not self._client.is_closed:
            # Acks and publishes are awaited where they are made, so a flush is enough; drain() would wait
            # for pull subscriptions' pending fetches up to its 30 s timeout.
            with contextlib.suppress(ConnectionClosedError, NatsTimeoutError, TimeoutError, OSError):
                await self._client.flush(timeout=1)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._client.close(), timeout=2)


class OutboxRelay:
    """Publishes committed outbox rows to JetStream, oldest first, and marks them published."""

    def __init__(
        self,
        db: Database,
        tables: MessagingTables,
        bus: Bus,
        producer: str,
        clock: Clock | None = None,
        batch_size: int = 200,
        poll_seconds: float = 1.0,
    ):
        self._db = db
        self._table = tables.outbox
        self._bus = bus
        self._producer = producer
        self._clock = clock or SystemClock()
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stream_ready = False
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay-{self._producer}")

    async def stop(self) -> None:
        # The flag ends the loop even when a cancellation is swallowed inside the NATS client.
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=5)

    async def _run(self) -> None:
        backoff = 0.2
        while not self._stopping:
            await self._bus.connected.wait()
            try:
                if not self._stream_ready:
                    await self._bus.ensure_stream(self._producer)
                    self._stream_ready = True
                published = await self.publish_pending()
                backoff = 0.2
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox relay could not publish; will retry", extra={"error": repr(exc)})
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if published < self._batch_size:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self._poll_seconds)

    async def publish_pending(self) -> int:
        """Publish one batch; returns how many rows were published."""
        async with self._db.read() as connection:
            rows = (
                await connection.execute(
                    select(self._table.c.id, self._table.c.subject, self._table.c.payload)
                    .where(self._table.c.published_at.is_(None))
                    .order_by(self._table.c.id)
                    .limit(self._batch_size)
                )
            ).all()
        if not rows:
            return 0
        # Publish the batch pipelined on one connection (the stream keeps their order), then wait for the
        # acks; only acknowledged rows are marked, the rest are retried (and de-duplicated by Nats-Msg-Id).
        pending: list[tuple[str, asyncio.Future[Any]]] = []
        for row in rows:
            envelope = envelope_pb2.Envelope.FromString(row.payload)
            headers = {"Nats-Msg-Id": row.id, "Tenantry-Event-Type": envelope.type}
            if envelope.traceparent:
                headers["traceparent"] = envelope.traceparent
            if envelope.tracestate:
                headers["tracestate"] = envelope.tracestate
            future = await self._bus.jetstream.publish_async(row.subject, row.payload, wait_stall=5, headers=headers)
            pending.append((row.id, future))
        done: list[str] = []
        failure: BaseException | None = None
        for row_id, future in pending:
            try:
                await asyncio.wait_for(future, timeout=10)
            except (asyncio.CancelledError, Exception) as exc:
                failure = exc
                break
            done.append(row_id)
        if done:
            EVENTS_PUBLISHED.labels(self._producer).inc(len(done))
            async with self._db.write() as connection:
                await connection.execute(
                    update(self._table)
                    .where(self._table.c.id.in_(done))
                    .values(published_at=self._clock.now(), attempts=self._table.c.attempts + 1)
                )
        if failure is not None:
            raise RuntimeError(f"JetStream did not acknowledge a publish: {failure!r}") from failure
        return len(done)


EventHandler = Callable[[AsyncConnection, envelope_pb2.Envelope], Awaitable[None]]


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
            f"{SUBJECT_PREFIX}.{producer}.>", durable=self.name, stream=stream_name(producer), config=config
        )

    async def _run(self, producer: str) -> None:
        subscription = None
        backoff = 0.2
        while not self._stopping:
            try:
                await self._bus.connected.wait()
                if subscription is None:
                    subscription = await self._subscribe(producer)
                try:
                    messages = await subscription.fetch(self._batch_size, timeout=1)
                except NatsTimeoutError:
                    continue
                await self.handle_batch(messages)
                backoff = 0.2
            except asyncio.CancelledError:
                raise
            except (NotFoundError, BadRequestError) as exc:
                log.warning("consumer lost its subscription; resubscribing", extra={"error": repr(exc)})
                subscription = None
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
            except Exception as exc:
                log.warning("consumer fetch failed; retrying", extra={"consumer": self.name, "error": repr(exc)})
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

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
            for message, envelope, handler in batch:
                if envelope.event_id in seen:
                    continue
                seen.add(envelope.event_id)
                with _tracer.start_as_current_span(
                    f"consume {envelope.type}",
                    context=extract(message.headers),
                    kind=SpanKind.CONSUMER,
                    attributes={"messaging.system": "nats", "messaging.consumer.group.name": self.name},
                ):
                    await connection.execute(
                        insert(processed).values(
                            consumer=self.name, event_id=envelope.event_id, processed_at=self._clock.now()
                        )
                    )
                    await handler(connection, envelope)

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
        with _tracer.start_as_current_span(
            f"consume {envelope.type}",
            context=extract(message.headers),
            kind=SpanKind.CONSUMER,
            attributes={"messaging.system": "nats", "messaging.consumer.group.name": self.name},
        ):
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
            await connection.execute(
                insert(processed).values(consumer=self.name, event_id=envelope.event_id, processed_at=self._clock.now())
            )
            await handler(connection, envelope)
        return True

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


def unpack(envelope: envelope_pb2.Envelope, message_type: type[Message]) -> Message:
    """The payload as `message_type`; raises ValueError if the envelope carries something else."""
    message = message_type()
    if not envelope.payload.Unpack(message):
        raise ValueError(f"{envelope.type} does not carry {message_type.DESCRIPTOR.full_name}")
    return message
