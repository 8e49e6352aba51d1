"""Composition root of the identity service."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine
from tenantry.identity.v1 import (
    identity_service_pb2,
    identity_service_pb2_grpc,
    scim_token_service_pb2,
    scim_token_service_pb2_grpc,
    sso_service_pb2,
    sso_service_pb2_grpc,
)

from services.common.clock import Clock
from services.common.db import sync_url
from services.common.entitlements import EntitlementProjection, Entitlements
from services.common.mail import mailer_from_settings
from services.common.mail_sender import MailSender, mail_sender_worker
from services.common.periodic import PeriodicWorker
from services.common.principal import PrincipalSigner
from services.common.runtime import ServiceRuntime, Wiring, run_cli
from services.identity.adapters.dns import DnspythonResolver
from services.identity.adapters.mail import ResetLinkEmails
from services.identity.adapters.membership import MembershipInvitations
from services.identity.adapters.membership_directory import MembershipAccounts
from services.identity.adapters.metadata_fetcher import HttpsMetadataFetcher
from services.identity.adapters.oidc import HttpOidcProviders
from services.identity.adapters.provisioning import MembershipProvisioner
from services.identity.adapters.saml import Pysaml2Toolkit
from services.identity.api.idempotency import IDEMPOTENCY_RULES
from services.identity.api.scim_tokens import ScimTokenServicer
from services.identity.api.servicer import IdentityServicer
from services.identity.api.sso import SsoServicer
from services.identity.domain.oidc_sign_in import forget_expired_oidc_logins
from services.identity.domain.scim_tokens import ScimTokenUseCases
from services.identity.domain.sso.metadata_refresh import WORKER as METADATA_WORKER
from services.identity.domain.sso.sp_keys import WORKER as SP_KEY_WORKER
from services.identity.domain.sso.use_cases import SsoUseCases
from services.identity.domain.use_cases import IdentityUseCases
from services.identity.events import consume
from services.identity.events.publish import to_envelope
from services.identity.settings import IdentitySettings
from services.identity.store.sealing import reseal_oidc_client_secrets, reseal_sp_keys, reseal_totp_seeds
from services.identity.store.sql import SqlIdentityStore
from services.identity.store.tables import entitlements, mail_outbox, messaging

MIGRATIONS_DIR = Path(__file__).parent / "store" / "migrations"
ENTITLEMENTS_CONSUMER = "identity-entitlements"
SERVICE_NAME = identity_service_pb2.DESCRIPTOR.services_by_name["IdentityService"].full_name
SCIM_TOKEN_SERVICE_NAME = scim_token_service_pb2.DESCRIPTOR.services_by_name["ScimTokenService"].full_name
SSO_SERVICE_NAME = sso_service_pb2.DESCRIPTOR.services_by_name["SsoService"].full_name


def build(settings: IdentitySettings, clock: Clock | None = None) -> ServiceRuntime:
    wiring = Wiring.from_settings(settings, messaging, clock)
    store = SqlIdentityStore(wiring.db, wiring.outbox, wiring.clock, to_envelope, settings.secret_box())
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
        invitations=MembershipInvitations(settings.membership_address, security=settings.channel_security()),
        reset_links=ResetLinkEmails(mailer, settings.public_url),
        memberships=MembershipAccounts(settings.membership_address, signer, security=settings.channel_security()),
    )
    servicer = IdentityServicer(use_cases)
    # What a plan includes, from identity's projection of billing's entitlement sets: no call to billing.
    plan = Entitlements(wiring.db, entitlements)
    scim_tokens = ScimTokenServicer(ScimTokenUseCases(store, wiring.clock, plan, signer))
    sso = SsoUseCases.wire(
        store,
        wiring.clock,
        saml=Pysaml2Toolkit(),
        resolver=dns_resolver(settings.dns_nameservers),
        entitlements=plan,
        public_url=settings.public_url,
        provisioner=MembershipProvisioner(settings.membership_address, signer, security=settings.channel_security()),
        metadata_fetcher=HttpsMetadataFetcher(),
        clock_skew=timedelta(seconds=settings.saml_clock_skew_seconds),
        oidc_providers=oidc_providers(wiring.clock),
        sp_key_overlap=timedelta(hours=settings.saml_sp_key_overlap_hours),
    )
    projection = consume.MembershipProjection(store, wiring.clock)
    reset_mailer = consume.PasswordResetMailer(use_cases.credentials, store, mail_worker.wake)
    runtime = wiring.runtime(
        [
            (identity_service_pb2_grpc.add_IdentityServiceServicer_to_server, servicer, SERVICE_NAME),
            (
                scim_token_service_pb2_grpc.add_ScimTokenServiceServicer_to_server,
                scim_tokens,
                SCIM_TOKEN_SERVICE_NAME,
            ),
            (sso_service_pb2_grpc.add_SsoServiceServicer_to_server, SsoServicer(sso), SSO_SERVICE_NAME),
        ],
        [
            wiring.consumer(consume.MEMBERSHIPS_CONSUMER, ["membership"], projection.handlers()),
            wiring.consumer(consume.RESET_MAILER_CONSUMER, ["identity"], reset_mailer.handlers()),
            wiring.consumer(
                ENTITLEMENTS_CONSUMER,
                ["billing"],
                consume.OrganizationEndProjection(
                    EntitlementProjection(entitlements, wiring.clock), store, wiring.clock
                ).handlers(),
            ),
        ],
        idempotency_rules=IDEMPOTENCY_RULES,
    )
    runtime.workers.append(mail_worker)
    runtime.workers.append(oidc_login_sweeper(store, wiring.clock))
    # Per-address failure counts outlive their window by minutes at most; every replica may sweep (idempotent).
    runtime.workers.append(PeriodicWorker("address-failure-sweep", use_cases.sign_in.forget_old_address_failures, 300))
    runtime.workers.extend(saml_workers(sso, settings, wiring))
    return runtime


def saml_workers(sso: SsoUseCases, settings: IdentitySettings, wiring: Wiring) -> list[PeriodicWorker]:
    """One replica at a time (leases) fetches IdP metadata again, and retires SP keys whose overlap has ended."""
    workers = [
        PeriodicWorker(SP_KEY_WORKER, sso.sp_keys.retire_past_overlap, 60, wiring.lease(SP_KEY_WORKER)),
    ]
    if sso.metadata_refresh is not None:
        workers.append(
            PeriodicWorker(
                METADATA_WORKER,
                sso.metadata_refresh.run_pass,
                settings.saml_metadata_refresh_seconds,
                wiring.lease(METADATA_WORKER),
            )
        )
    return workers


def oidc_providers(clock: Clock) -> HttpOidcProviders:
    """Identity providers reached over HTTP; one client for all, with a bounded wait (a slow IdP fails a sign-in,
    it never holds a worker)."""
    return HttpOidcProviders(httpx.AsyncClient(timeout=httpx.Timeout(10.0), follow_redirects=False), clock)


def oidc_login_sweeper(store: SqlIdentityStore, clock: Clock) -> PeriodicWorker:
    """Forgets OIDC sign-ins begun and never completed, every few minutes (they expire after ten)."""
    return PeriodicWorker("oidc-login-sweep", lambda: forget_expired_oidc_logins(store, clock), 300)


def dns_resolver(nameservers: list[str]) -> DnspythonResolver:
    """The system's resolver, or the configured servers ("host" or "host:port", one port for all)."""
    if not nameservers:
        return DnspythonResolver()
    hosts = [server.rsplit(":", 1)[0] if server.count(":") == 1 else server for server in nameservers]
    ports = {int(server.rsplit(":", 1)[1]) for server in nameservers if server.count(":") == 1}
    return DnspythonResolver(hosts, port=ports.pop() if ports else 53)


def link_key(settings: IdentitySettings) -> bytes:
    """Key of emailed links (password resets), derived from the signing key every replica holds."""
    material = settings.principal_signing_key.get_secret_value().encode()
    return hashlib.sha256(b"tenantry-identity-links\0" + material).digest()


def reseal_secrets(settings: IdentitySettings) -> None:
    """After a migration: seal every secret at rest under the first data key (rotation, or secrets stored before
    sealing existed), so an old key can be dropped."""
    engine = create_engine(sync_url(settings.database_url))
    try:
        with engine.begin() as connection:
            box = settings.secret_box()
            resealed = {
                "totp_seeds": reseal_totp_seeds(connection, box),
                "oidc_client_secrets": reseal_oidc_client_secrets(connection, box),
                "saml_sp_keys": reseal_sp_keys(connection, box),
            }
    finally:
        engine.dispose()
    if any(resealed.values()):
        logging.getLogger(__name__).info("resealed secrets", extra=resealed)


def main() -> int:
    return run_cli(IdentitySettings, build, MIGRATIONS_DIR, after_migrate=reseal_secrets)
