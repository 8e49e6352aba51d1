"""Composition root of the identity service."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tenantry.identity.v1 import identity_service_pb2, identity_service_pb2_grpc

from services.common.clock import Clock
from services.common.principal import PrincipalSigner
from services.common.runtime import ServiceRuntime, Wiring, run_cli
from services.identity.api.servicer import IdentityServicer
from services.identity.clients import MembershipInvitations
from services.identity.domain.use_cases import IdentityUseCases, SessionPolicy
from services.identity.events import consume
from services.identity.events.publish import to_envelope
from services.identity.settings import IdentitySettings
from services.identity.store.sql import SqlIdentityStore
from services.identity.store.tables import messaging

MIGRATIONS_DIR = Path(__file__).parent / "store" / "migrations"
SERVICE_NAME = identity_service_pb2.DESCRIPTOR.services_by_name["IdentityService"].full_name


def build(settings: IdentitySettings, clock: Clock | None = None) -> ServiceRuntime:
    wiring = Wiring.from_settings(settings, messaging, clock)
    store = SqlIdentityStore(wiring.db, wiring.outbox, wiring.clock, to_envelope)
    signer = PrincipalSigner(
        settings.principal_signing_key.get_secret_value(),
        timedelta(seconds=settings.principal_ttl_seconds),
        wiring.clock,
    )
    policy = SessionPolicy(
        idle_timeout=timedelta(seconds=settings.session_idle_timeout_seconds),
        absolute_lifetime=timedelta(seconds=settings.session_absolute_lifetime_seconds),
    )
    invitations = MembershipInvitations(settings.membership_address)
    servicer = IdentityServicer(IdentityUseCases(store, wiring.clock, signer, policy, invitations=invitations))
    return wiring.runtime(
        [(identity_service_pb2_grpc.add_IdentityServiceServicer_to_server, servicer, SERVICE_NAME)],
        [wiring.consumer(consume.MEMBERSHIPS_CONSUMER, ["membership"], consume.handlers())],
    )


def main() -> int:
    return run_cli(IdentitySettings, build, MIGRATIONS_DIR)
