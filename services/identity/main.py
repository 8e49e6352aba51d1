"""Composition root of the identity service."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tenantry.identity.v1 import identity_service_pb2, identity_service_pb2_grpc

from services.common.clock import Clock, SystemClock
from services.common.db import Database
from services.common.grpc_server import GrpcServer
from services.common.messaging import Bus, EventConsumer, Outbox, OutboxRelay
from services.common.principal import PrincipalSigner, PrincipalVerifier
from services.common.runtime import ServiceRuntime, run_cli
from services.identity.api.servicer import IdentityServicer
from services.identity.domain.use_cases import IdentityUseCases, SessionPolicy
from services.identity.events import consume
from services.identity.events.publish import PRODUCER, to_envelope
from services.identity.settings import IdentitySettings
from services.identity.store.sql import SqlIdentityStore
from services.identity.store.tables import messaging

MIGRATIONS_DIR = Path(__file__).parent / "store" / "migrations"
SERVICE_NAME = identity_service_pb2.DESCRIPTOR.services_by_name["IdentityService"].full_name


def build(settings: IdentitySettings, clock: Clock | None = None) -> ServiceRuntime:
    clock = clock or SystemClock()
    db = Database(settings.database_url)
    bus = Bus(settings.nats_url, name="identity")
    outbox = Outbox(messaging, clock)
    store = SqlIdentityStore(db, outbox, clock, to_envelope)
    signer = PrincipalSigner(
        settings.principal_signing_key.get_secret_value(), timedelta(seconds=settings.principal_ttl_seconds), clock
    )
    policy = SessionPolicy(
        idle_timeout=timedelta(seconds=settings.session_idle_timeout_seconds),
        absolute_lifetime=timedelta(seconds=settings.session_absolute_lifetime_seconds),
    )
    use_cases = IdentityUseCases(store, clock, signer, policy)
    public_key = settings.principal_public_key.get_secret_value()
    return ServiceRuntime(
        name="identity",
        settings=settings,
        db=db,
        bus=bus,
        outbox=outbox,
        relay=OutboxRelay(db, messaging, bus, PRODUCER, clock),
        grpc=GrpcServer(
            host=settings.grpc_host,
            port=settings.grpc_port,
            registrations=[
                (
                    identity_service_pb2_grpc.add_IdentityServiceServicer_to_server,
                    IdentityServicer(use_cases),
                    SERVICE_NAME,
                )
            ],
            verifier=PrincipalVerifier(public_key, clock) if public_key else None,
        ),
        consumers=[
            EventConsumer(
                name=consume.MEMBERSHIPS_CONSUMER,
                db=db,
                tables=messaging,
                bus=bus,
                producers=["membership"],
                handlers=consume.handlers(),
                clock=clock,
                max_deliver=settings.consumer_max_deliver,
            )
        ],
    )


def main() -> int:
    return run_cli(IdentitySettings, build, MIGRATIONS_DIR)
