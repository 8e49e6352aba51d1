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
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

import grpc
from prometheus_client import start_http_server

from services.common import migrations
from services.common.channels import server_credentials
from services.common.clock import Clock, SystemClock
from services.common.db import Database
from services.common.denials import DenialRecorder, DenialWriter
from services.common.grpc_server import GrpcServer
from services.common.housekeeping import Housekeeping, Retention
from services.common.idempotency import TABLE_NAME as IDEMPOTENCY_TABLE_NAME
from services.common.idempotency import IdempotencyRules, IdempotentCalls
from services.common.leases import Lease
from services.common.logs import setup_logging
from services.common.messaging import (
    BatchEventHandler,
    Bus,
    EventConsumer,
    EventHandler,
    MessagingTables,
    Outbox,
    OutboxRelay,
)
from services.common.periodic import PeriodicWorker
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
        await self.grpc.stop(self.settings.shutdown_grace_seconds, self.settings.drain_seconds)
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
            bus=Bus(settings.nats_url, name=settings.service_name, stream_replicas=settings.stream_replicas),
            outbox=Outbox(tables, clock),
            tables=tables,
        )

    def lease(self, name: str) -> Lease:
        """A lease on work one replica of this service at a time should do."""
        settings = self.settings
        return Lease(self.db, self.tables.leases, name, settings.lease_seconds, self.clock, settings.replica_id)

    def consumer(
        self,
        name: str,
        producers: list[str],
        handlers: Mapping[str, EventHandler] | None = None,
        fallback_handler: EventHandler | None = None,
        fallback_batch_handler: BatchEventHandler | None = None,
        batch_size: int = 64,
    ) -> EventConsumer:
        return EventConsumer(
            name=name,
            db=self.db,
            tables=self.tables,
            bus=self.bus,
            producers=producers,
            handlers=handlers or {},
            fallback_handler=fallback_handler,
            fallback_batch_handler=fallback_batch_handler,
            batch_size=batch_size,
            clock=self.clock,
            max_deliver=self.settings.consumer_max_deliver,
        )

    def runtime(
        self,
        registrations: Sequence[tuple[Callable[[Any, grpc.aio.Server], None], Any, str]],
        consumers: Sequence[EventConsumer] = (),
        denial_writer: DenialWriter | None = None,
        idempotency_rules: IdempotencyRules = IdempotencyRules(),
    ) -> ServiceRuntime:
        """`denial_writer` replaces the outbox as the place refused calls are written (the audit service
        writes them straight into its log); `idempotency_rules` are the service's own (see IdempotencyRules)."""
        public_key = self.settings.principal_public_key.get_secret_value()
        name = self.settings.service_name
        revoked = RevokedCredentials(REVOCATION_HORIZON, self.clock)
        return ServiceRuntime(
            name=name,
            settings=self.settings,
            db=self.db,
            bus=self.bus,
            outbox=self.outbox,
            relay=OutboxRelay(self.db, self.tables, self.bus, name, self.clock, lease=self.lease("outbox-relay")),
            grpc=GrpcServer(
                host=self.settings.grpc_host,
                port=self.settings.grpc_port,
                registrations=registrations,
                verifier=PrincipalVerifier(public_key, self.clock) if public_key else None,
                revoked=revoked,
                denials=DenialRecorder(name, self.db, denial_writer or self.outbox.record, self.clock),
                idempotency=IdempotentCalls.in_database_of(self.db, self.tables.outbox.metadata, self.clock),
                idempotency_rules=idempotency_rules,
                credentials=server_credentials(
                    self.settings.grpc_cert_file, self.settings.grpc_key_file, self.settings.grpc_ca_file
                ),
            ),
            consumers=list(consumers),
            workers=[RevocationFeed(self.bus, revoked, REVOCATION_HORIZON, self.clock), *self.housekeeping_workers()],
        )

    def housekeeping_workers(self) -> list[Startable]:
        """Pruning by retention (one replica at a time, under a lease) and the gauges (every replica)."""
        settings, metadata = self.settings, self.tables.outbox.metadata
        housekeeping = Housekeeping(
            settings.service_name,
            self.db,
            self.tables,
            self.clock,
            Retention(
                outbox=timedelta(days=settings.outbox_retention_days),
                processed_events=timedelta(days=settings.processed_events_retention_days),
                idempotency_keys=timedelta(days=settings.idempotency_retention_days),
                parked_events=timedelta(days=settings.parked_events_retention_days),
                sent_mail=timedelta(days=settings.sent_mail_retention_days),
            ),
            idempotency_keys=metadata.tables.get(IDEMPOTENCY_TABLE_NAME),
            mail_outbox=metadata.tables.get("mail_outbox"),
        )
        name = settings.service_name
        return [
            PeriodicWorker(
                f"{name}-retention", housekeeping.prune, settings.retention_interval_seconds, self.lease("retention")
            ),
            PeriodicWorker(f"{name}-gauges", housekeeping.measure, settings.gauges_interval_seconds),
        ]


SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


def run_cli(
    settings_class: type[SettingsT],
    build: Callable[[SettingsT], ServiceRuntime],
    migrations_dir: Path,
    argv: list[str] | None = None,
    after_migrate: Callable[[SettingsT], None] | None = None,
) -> int:
    """`python -m services.<name> serve|migrate|check-config`. `after_migrate` runs after every migration (identity
    re-seals secrets under the first data key there)."""
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
        _migrate(settings, migrations_dir, after_migrate)
        log.info("migrated", extra={"database": _redacted(settings.database_url)})
        return 0
    problems = settings.check()
    if problems:
        for problem in problems:
            log.error("invalid configuration: %s", problem)
        print(
            f"{settings.service_name} refuses to start ({settings.environment}):\n"
            + "".join(f"  - {problem}\n" for problem in problems),
            file=sys.stderr,
            flush=True,
        )
        return 2
    if settings.migrate_on_start:
        _migrate(settings, migrations_dir, after_migrate)
    setup_tracing(settings.service_name)
    asyncio.run(_serve(build(settings)))
    return 0


def _migrate(settings: SettingsT, migrations_dir: Path, after_migrate: Callable[[SettingsT], None] | None) -> None:
    attributes = {"secret_box": settings.secret_box()} if settings.data_keys.get_secret_value() else {}
    migrations.upgrade(migrations_dir, settings.database_url, attributes)
    if after_migrate is not None:
        after_migrate(settings)


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
