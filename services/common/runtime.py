"""The life of one service process: start its parts in order, serve, and stop gracefully.

Every service's main.py builds a ServiceRuntime in `build(settings)` and hands it to `run_cli`, which
gives each service the same ops commands: `serve`, `migrate` and `check-config`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import grpc
from prometheus_client import start_http_server

from services.common import migrations
from services.common.clock import Clock, SystemClock
from services.common.db import Database
from services.common.denials import DenialRecorder, DenialWriter
from services.common.grpc_server import GrpcServer
from services.common.idempotency import IdempotentCalls
from services.common.logs import setup_logging
from services.common.messaging import Bus, EventConsumer, EventHandler, MessagingTables, Outbox, OutboxRelay
from services.common.principal import PrincipalVerifier
from services.common.revocations import REVOCATION_HORIZON, RevocationFeed, RevokedCredentials
from services.common.settings import ServiceSettings
from services.common.telemetry import setup_tracing

log = logging.getLogger(__name__)


class Startable(Protocol):
    def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass
class ServiceRuntime:
    """Everything one service runs, wired by its composition root."""

    name: str
    settings: ServiceSettings
    db: Database
    bus: Bus
    outbox: Outbox
    relay: OutboxRelay
    grpc: GrpcServer
    consumers: list[EventConsumer] = field(default_factory=list)
    workers: list[Startable] = field(default_factory=list)

    async def start(self) -> int:
        """Start everything; returns the bound gRPC port."""
        self.outbox.on_recorded(self.relay.wake)
        self.bus.start()
        self.relay.start()
        for consumer in self.consumers:
            consumer.start()
        for worker in self.workers:
            worker.start()
        return await self.grpc.start()

    async def stop(self) -> None:
        """Stop taking calls (health NOT_SERVING, drain), then stop background work and close connections."""
        await self.grpc.stop(self.settings.shutdown_grace_seconds)
        for worker in self.workers:
            await worker.stop()
        for consumer in self.consumers:
            await consumer.stop()
        await self.relay.stop()
        await self.bus.close()
        await self.db.dispose()


@dataclass
class Wiring:
    """The parts every service builds the same way from its settings; main.py adds its own."""

    settings: ServiceSettings
    clock: Clock
    db: Database
    bus: Bus
    outbox: Outbox
    tables: MessagingTables

    @classmethod
    def from_settings(cls, settings: ServiceSettings, tables: MessagingTables, clock: Clock | None = None) -> Wiring:
        clock = clock or SystemClock()
        return cls(
            settings=settings,
            clock=clock,
            db=Database(settings.database_url),
            bus=Bus(settings.nats_url, name=settings.service_name),
            outbox=Outbox(tables, clock),
            tables=tables,
        )

    def consumer(
        self,
        name: str,
        producers: list[str],
        handlers: Mapping[str, EventHandler] | None = None,
        fallback_handler: EventHandler | None = None,
    ) -> EventConsumer:
        return EventConsumer(
            name=name,
            db=self.db,
            tables=self.tables,
            bus=self.bus,
            producers=producers,
            handlers=handlers or {},
            fallback_handler=fallback_handler,
            clock=self.clock,
            max_deliver=self.settings.consumer_max_deliver,
        )

    def runtime(
        self,
        registrations: Sequence[tuple[Callable[[Any, grpc.aio.Server], None], Any, str]],
        consumers: Sequence[EventConsumer] = (),
        denial_writer: DenialWriter | None = None,
    ) -> ServiceRuntime:
        """`denial_writer` replaces the outbox as the place refused calls are written (the audit service
        writes them straight into its log)."""
        public_key = self.settings.principal_public_key.get_secret_value()
        name = self.settings.service_name
        revoked = RevokedCredentials(REVOCATION_HORIZON, self.clock)
        return ServiceRuntime(
            name=name,
            settings=self.settings,
            db=self.db,
            bus=self.bus,
            outbox=self.outbox,
            relay=OutboxRelay(self.db, self.tables, self.bus, name, self.clock),
            grpc=GrpcServer(
                host=self.settings.grpc_host,
                port=self.settings.grpc_port,
                registrations=registrations,
                verifier=PrincipalVerifier(public_key, self.clock) if public_key else None,
                revoked=revoked,
                denials=DenialRecorder(name, self.db, denial_writer or self.outbox.record, self.clock),
                idempotency=IdempotentCalls.in_database_of(self.db, self.tables.outbox.metadata, self.clock),
            ),
            consumers=list(consumers),
            workers=[RevocationFeed(self.bus, revoked, REVOCATION_HORIZON, self.clock)],
        )


SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


def run_cli(
    settings_class: type[SettingsT],
    build: Callable[[SettingsT], ServiceRuntime],
    migrations_dir: Path,
    argv: list[str] | None = None,
) -> int:
    """`python -m services.<name> serve|migrate|check-config`."""
    parser = argparse.ArgumentParser(prog=f"python -m services.{settings_class.service_name}")
    parser.add_argument("command", choices=["serve", "migrate", "check-config"])
    args = parser.parse_args(argv)
    settings = settings_class()
    setup_logging(settings.service_name, settings.log_level, settings.log_json)
    if args.command == "check-config":
        problems = settings.check()
        print(json.dumps({"service": settings.service_name, "ok": not problems, "problems": problems}))
        return 1 if problems else 0
    if args.command == "migrate":
        migrations.upgrade(migrations_dir, settings.database_url)
        log.info("migrated", extra={"database": _redacted(settings.database_url)})
        return 0
    problems = settings.check()
    if problems:
        for problem in problems:
            log.error("invalid configuration: %s", problem)
        return 2
    if settings.migrate_on_start:
        migrations.upgrade(migrations_dir, settings.database_url)
    setup_tracing(settings.service_name)
    asyncio.run(_serve(build(settings)))
    return 0


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


async def _serve(runtime: ServiceRuntime) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if runtime.settings.metrics_port:
        start_http_server(runtime.settings.metrics_port, addr=runtime.settings.grpc_host)
    port = await runtime.start()
    log.info("serving", extra={"service": runtime.name, "grpc_port": port})
    print(f"{runtime.name} serving gRPC on {runtime.settings.grpc_host}:{port}", file=sys.stderr, flush=True)
    await stop.wait()
    log.info("shutting down", extra={"service": runtime.name})
    await runtime.stop()
