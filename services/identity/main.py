"""Composition root of the identity service."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from tenantry.identity.v1 import identity_service_pb2, identity_service_pb2_grpc

from services.common.clock import Clock
from services.common.mail import mailer_from_settings
from services.common.mail_sender import MailSender, mail_sender_worker
from services.common.principal import PrincipalSigner
from services.common.runtime import ServiceRuntime, Wiring, run_cli
from services.identity.adapters.mail import ResetLinkEmails
from services.identity.adapters.membership import MembershipInvitations
from services.identity.api.servicer import IdentityServicer
from services.identity.domain.use_cases import IdentityUseCases
from services.identity.events import consume
from services.identity.events.publish import to_envelope
from services.identity.settings import IdentitySettings
from services.identity.store.sql import SqlIdentityStore
from services.identity.store.tables import mail_outbox, messaging

MIGRATIONS_DIR = Path(__file__).parent / "store" / "migrations"
SERVICE_NAME = identity_service_pb2.DESCRIPTOR.services_by_name["IdentityService"].full_name


def build(settings: IdentitySettings, clock: Clock | None = None) -> ServiceRuntime:
    wiring = Wiring.from_settings(settings, messaging, clock)
    store = SqlIdentityStore(wiring.db, wiring.outbox, wiring.clock, to_envelope)
    mailer = mailer_from_settings(settings, settings.data_dir)
    mail_worker = mail_sender_worker(settings.service_name, MailSender(wiring.db, mail_outbox, mailer, wiring.clock))
    signer = PrincipalSigner(
        settings.principal_signing_key.get_secret_value(),
        timedelta(seconds=settings.principal_ttl_seconds),
        wiring.clock,
    )
    use_cases = IdentityUseCases.wire(
        store,
        wiring.clock,
        signer,
        link_key=link_key(settings),
        invitations=MembershipInvitations(settings.membership_address),
        reset_links=ResetLinkEmails(mailer, settings.public_url),
    )
    servicer = IdentityServicer(use_cases)
    projection = consume.MembershipProjection(store, wiring.clock)
    reset_mailer = consume.PasswordResetMailer(use_cases.credentials, store, mail_worker.wake)
    runtime = wiring.runtime(
        [(identity_service_pb2_grpc.add_IdentityServiceServicer_to_server, servicer, SERVICE_NAME)],
        [
            wiring.consumer(consume.MEMBERSHIPS_CONSUMER, ["membership"], projection.handlers()),
            wiring.consumer(consume.RESET_MAILER_CONSUMER, ["identity"], reset_mailer.handlers()),
        ],
    )
    runtime.workers.append(mail_worker)
    return runtime


def link_key(settings: IdentitySettings) -> bytes:
    """Key of emailed links (password resets), derived from the signing key every replica holds."""
    material = settings.principal_signing_key.get_secret_value().encode()
    return hashlib.sha256(b"tenantry-identity-links\0" + material).digest()


def main() -> int:
    return run_cli(IdentitySettings, build, MIGRATIONS_DIR)
