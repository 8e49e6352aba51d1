"""Composition root of the audit service."""

from __future__ import annotations

from pathlib import Path

from tenantry.audit.v1 import audit_service_pb2, audit_service_pb2_grpc

from services.audit.api.servicer import AuditServicer
from services.audit.domain.use_cases import AuditUseCases
from services.audit.events.consume import AUDIT_CONSUMER, PRODUCERS, AuditRecorder
from services.audit.settings import AuditSettings
from services.audit.store.sql import SqlAuditStore
from services.audit.store.tables import messaging
from services.common.clock import Clock, SystemClock
from services.common.db import Database
from services.common.grpc_server import GrpcServer
from services.common.messaging import Bus, EventConsumer, Outbox, OutboxRelay
from services.common.pagination import PageTokens
from services.common.principal import PrincipalVerifier
from services.common.runtime import ServiceRuntime, run_cli

MIGRATIONS_DIR = Path(__file__).parent / "store" / "migrations"
SERVICE_NAME = audit_service_pb2.DESCRIPTOR.services_by_name["AuditService"].full_name
PRODUCER = "audit"


def build(settings: AuditSettings, clock: Clock | None = None) -> ServiceRuntime:
    clock = clock or SystemClock()
    db = Database(settings.database_url)
    bus = Bus(settings.nats_url, name="audit")
    public_key = settings.principal_public_key.get_secret_value()
    servicer = AuditServicer(
        AuditUseCases(SqlAuditStore(db), clock), PageTokens(settings.secret_key.get_secret_value())
    )
    return ServiceRuntime(
        name="audit",
        settings=settings,
        db=db,
        bus=bus,
        outbox=Outbox(messaging, clock),
        relay=OutboxRelay(db, messaging, bus, PRODUCER, clock),
        grpc=GrpcServer(
            host=settings.grpc_host,
            port=settings.grpc_port,
            registrations=[(audit_service_pb2_grpc.add_AuditServiceServicer_to_server, servicer, SERVICE_NAME)],
            verifier=PrincipalVerifier(public_key, clock) if public_key else None,
        ),
        consumers=[
            EventConsumer(
                name=AUDIT_CONSUMER,
                db=db,
                tables=messaging,
                bus=bus,
                producers=PRODUCERS,
                handlers={},
                fallback_handler=AuditRecorder(clock).record,
                clock=clock,
                max_deliver=settings.consumer_max_deliver,
            )
        ],
    )


def main() -> int:
    return run_cli(AuditSettings, build, MIGRATIONS_DIR)
