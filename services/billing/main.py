"""Composition root of the billing service."""

from __future__ import annotations

from pathlib import Path

from tenantry.billing.v1 import billing_service_pb2, billing_service_pb2_grpc

from services.billing.api.servicer import BillingServicer
from services.billing.domain.use_cases import BillingUseCases
from services.billing.events.consume import SEATS_CONSUMER, SeatProjection
from services.billing.settings import BillingSettings
from services.billing.store.sql import SqlBillingStore
from services.billing.store.tables import messaging
from services.common.clock import Clock, SystemClock
from services.common.db import Database
from services.common.grpc_server import GrpcServer
from services.common.messaging import Bus, EventConsumer, Outbox, OutboxRelay
from services.common.principal import PrincipalVerifier
from services.common.runtime import ServiceRuntime, run_cli

MIGRATIONS_DIR = Path(__file__).parent / "store" / "migrations"
SERVICE_NAME = billing_service_pb2.DESCRIPTOR.services_by_name["BillingService"].full_name
PRODUCER = "billing"


def build(settings: BillingSettings, clock: Clock | None = None) -> ServiceRuntime:
    clock = clock or SystemClock()
    db = Database(settings.database_url)
    bus = Bus(settings.nats_url, name="billing")
    public_key = settings.principal_public_key.get_secret_value()
    servicer = BillingServicer(BillingUseCases(SqlBillingStore(db)))
    return ServiceRuntime(
        name="billing",
        settings=settings,
        db=db,
        bus=bus,
        outbox=Outbox(messaging, clock),
        relay=OutboxRelay(db, messaging, bus, PRODUCER, clock),
        grpc=GrpcServer(
            host=settings.grpc_host,
            port=settings.grpc_port,
            registrations=[(billing_service_pb2_grpc.add_BillingServiceServicer_to_server, servicer, SERVICE_NAME)],
            verifier=PrincipalVerifier(public_key, clock) if public_key else None,
        ),
        consumers=[
            EventConsumer(
                name=SEATS_CONSUMER,
                db=db,
                tables=messaging,
                bus=bus,
                producers=["membership"],
                handlers=SeatProjection(settings.default_seats, clock).handlers(),
                clock=clock,
                max_deliver=settings.consumer_max_deliver,
            )
        ],
    )


def main() -> int:
    return run_cli(BillingSettings, build, MIGRATIONS_DIR)
