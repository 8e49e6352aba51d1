"""The outbox relay: publishes committed outbox rows to JetStream and marks them published."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy import select, update
from tenantry.events.v1 import envelope_pb2

from services.common.clock import Clock, SystemClock
from services.common.db import Database
from services.common.leases import Lease
from services.common.messaging.bus import Backoff, Bus
from services.common.messaging.outbox import MessagingTables
from services.common.metrics import EVENTS_PUBLISHED

log = logging.getLogger(__name__)


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
        lease: Lease | None = None,
    ):
        """With a `lease`, only the replica holding it publishes (one relay per service at a time, in order);
        another replica takes over when the holder stops or dies (after the lease's time to live)."""
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
        self._lease = lease

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
        if self._lease is not None:
            with contextlib.suppress(Exception):
                await self._lease.release()

    async def _run(self) -> None:
        backoff = Backoff()
        while not self._stopping:
            await self._bus.connected.wait()
            try:
                if self._lease is not None and not await self._lease.acquire():
                    await self._idle()  # another replica publishes; take over if its lease expires
                    continue
                if not self._stream_ready:
                    await self._bus.ensure_stream(self._producer)
                    self._stream_ready = True
                published = await self.publish_pending()
                backoff.reset()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox relay could not publish; will retry", extra={"error": repr(exc)})
                await backoff.wait()
                continue
            if published < self._batch_size:
                await self._idle()

    async def _idle(self) -> None:
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
