"""Composition root of the membership service: build(settings) wires store, bus and servicers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tenantry.membership.v1 import membership_service_pb2, membership_service_pb2_grpc

from services.common.clock import Clock, SystemClock
from services.common.db import Database
from services.common.grpc_server import GrpcServer
from services.common.mail import Mailer
from services.common.messaging import Bus, EventConsumer, Outbox, OutboxRelay
from services.common.pagination import PageTokens
from services.common.principal import PrincipalVerifier
from services.common.runtime import ServiceRuntime, run_cli
from services.membership.api.servicer import MembershipServicer
from services.membership.domain.use_cases import MembershipUseCases
from services.membership.events.consume import MAILER_CONSUMER, InvitationMailer
from services.membership.events.publish import PRODUCER, to_envelope
from services.membership.settings import MembershipSettings
from services.membership.store.sql import SqlMembershipStore
from services.membership.store.tables import messaging

MIGRATIONS_DIR = Path(__file__).parent / "store" / "migrations"
SERVICE_NAME = membership_service_pb2.DESCRIPTOR.services_by_name["MembershipService"].full_name


def build(settings: MembershipSettings, clock: Clock | None = None) -> ServiceRuntime:
    clock = clock or SystemClock()
    db = Database(settings.database_url)
    bus = Bus(settings.nats_url, name="membership")
    outbox = Outbox(messaging, clock)
    store = SqlMembershipStore(db, outbox, clock, to_envelope)
    use_cases = MembershipUseCases(store, clock, timedelta(days=settings.invitation_ttl_days))
    secret = settings.secret_key.get_secret_value()
    servicer = MembershipServicer(use_cases, PageTokens(secret))
    mailer = Mailer(
        sender=settings.mail_from,
        smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port,
        smtp_username=settings.smtp_username,
        smtp_password=settings.smtp_password.get_secret_value(),
        smtp_starttls=settings.smtp_starttls,
        drop_dir=settings.data_dir / "mail",
    )
    invitation_mailer = InvitationMailer(mailer, settings.public_url, secret, clock)
    public_key = settings.principal_public_key.get_secret_value()
    return ServiceRuntime(
        name="membership",
        settings=settings,
        db=db,
        bus=bus,
        outbox=outbox,
        relay=OutboxRelay(db, messaging, bus, PRODUCER, clock),
        grpc=GrpcServer(
            host=settings.grpc_host,
            port=settings.grpc_port,
            registrations=[
                (membership_service_pb2_grpc.add_MembershipServiceServicer_to_server, servicer, SERVICE_NAME)
            ],
            verifier=PrincipalVerifier(public_key, clock) if public_key else None,
        ),
        consumers=[
            EventConsumer(
                name=MAILER_CONSUMER,
                db=db,
                tables=messaging,
                bus=bus,
                producers=[PRODUCER],
                handlers=invitation_mailer.handlers(),
                clock=clock,
                max_deliver=settings.consumer_max_deliver,
            )
        ],
    )


def main() -> int:
    return run_cli(MembershipSettings, build, MIGRATIONS_DIR)
