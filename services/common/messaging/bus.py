"""The NATS connection with JetStream, the producers' streams, and the retry pace while NATS is away."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import nats
from nats.aio.client import Client as NatsClient
from nats.errors import ConnectionClosedError, NoServersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import BadRequestError

from services.common.messaging.envelope import producer_subjects, stream_name

log = logging.getLogger(__name__)

# How long closing may take before it is given up (the service is stopping either way).
CLOSE_SECONDS = 5

# Longer than any relay retry gap we expect (crash, restart, republish); consumers' inboxes cover the rest.
DUPLICATE_WINDOW_SECONDS = 10 * 60
STREAM_MAX_AGE_SECONDS = 30 * 24 * 3600


class Backoff:
    """Waits between retries of a loop that talks to NATS: doubling from `first` up to `most` seconds, and
    back to `first` after a success."""

    def __init__(self, first: float = 0.2, most: float = 5.0):
        self._first = first
        self._most = most
        self._delay = first

    async def wait(self) -> None:
        await asyncio.sleep(self._delay)
        self._delay = min(self._delay * 2, self._most)

    def reset(self) -> None:
        self._delay = self._first


class Bus:
    """One NATS connection with JetStream. Connects in the background and keeps reconnecting, so a
    service starts and serves while NATS is down; the outbox holds its events meanwhile."""

    def __init__(self, url: str, name: str, stream_replicas: int = 1):
        """`url`: one server, or a cluster's servers comma-separated."""
        self.url = url
        self.name = name
        self.stream_replicas = stream_replicas
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
        backoff = Backoff()
        while not self._closing:
            try:
                self._client = await nats.connect(
                    servers=[server.strip() for server in self.url.split(",") if server.strip()],
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
                await backoff.wait()
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
            subjects=[producer_subjects(producer)],
            storage=StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
            max_age=STREAM_MAX_AGE_SECONDS,
            num_replicas=self.stream_replicas,
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
            await asyncio.wait({self._task}, timeout=CLOSE_SECONDS)
        if self._client is not None and not self._client.is_closed:
            # Acks and publishes are awaited where they are made, so a flush is enough; drain() would wait
            # for pull subscriptions' pending fetches up to its 30 s timeout.
            with contextlib.suppress(ConnectionClosedError, NatsTimeoutError, TimeoutError, OSError):
                await self._client.flush(timeout=1)
            # A busy machine can take seconds to close; a close cut short leaves its socket open.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._client.close(), timeout=CLOSE_SECONDS)
