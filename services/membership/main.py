"""Composition root of the membership service: build(settings) wires store, bus and servicers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tenantry.membership.v1 import (
    group_service_pb2,
    group_service_pb2_grpc,
    membership_service_pb2,
    membership_service_pb2_grpc,
)

from services.common.clock import Clock
from services.common.mail import mailer_from_settings
from services.common.mail_sender import MailSender, mail_sender_worker
from services.common.pagination import PageTokens
from services.common.runtime import ServiceRuntime, Wiring, run_cli
from services.membership.adapters.billing_seats import BillingSeats
from services.membership.adapters.invitation_emails import MailerInvitationEmails
from services.membership.api.groups import GroupServicer
from services.membership.api.servicer import MembershipServicer
from services.membership.domain.bulk import BulkUseCases
from services.membership.domain.custom_roles import RoleUseCases
from services.membership.domain.exports import ExportUseCases
from services.membership.domain.groups import GroupUseCases
from services.membership.domain.imports import ImportUseCases
from services.membership.domain.invitation_emails import InvitationEmailUseCases
from services.membership.domain.invitations import InvitationUseCases
from services.membership.domain.members import MemberUseCases
from services.membership.domain.organizations import OrganizationUseCases
from services.membership.domain.profile_fields import ProfileFieldUseCases
from services.membership.events.consume import (
    BILLING_CONSUMER,
    IDENTITY_CONSUMER,
    MAILER_CONSUMER,
    BillingProjection,
    IdentityProjection,
    InvitationMailer,
)
from services.membership.events.publish import PRODUCER, to_envelope
from services.membership.settings import MembershipSettings
from services.membership.store.sql import SqlMembershipStore
from services.membership.store.tables import mail_outbox, messaging

MIGRATIONS_DIR = Path(__file__).parent / "store" / "migrations"
SERVICE_NAME = membership_service_pb2.DESCRIPTOR.services_by_name["MembershipService"].full_name
GROUP_SERVICE_NAME = group_service_pb2.DESCRIPTOR.services_by_name["GroupService"].full_name


def build(settings: MembershipSettings, clock: Clock | None = None) -> ServiceRuntime:
    wiring = Wiring.from_settings(settings, messaging, clock)
    store = SqlMembershipStore(wiring.db, wiring.outbox, wiring.clock, to_envelope)
    secret = settings.secret_key.get_secret_value()
    seats = BillingSeats(settings.billing_address)
    ttl = timedelta(days=settings.invitation_ttl_days)
    members = MemberUseCases(store, wiring.clock, seats)
    invitations = InvitationUseCases(store, wiring.clock, ttl, secret, seats)
    group_use_cases = GroupUseCases(store, wiring.clock)
    servicer = MembershipServicer(
        organizations=OrganizationUseCases(store, wiring.clock),
        members=members,
        invitations=invitations,
        bulk=BulkUseCases(members, group_use_cases),
        imports=ImportUseCases(invitations, store, seats),
        exports=ExportUseCases(store),
        profiles=ProfileFieldUseCases(store, wiring.clock),
        custom_roles=RoleUseCases(store, wiring.clock),
        page_tokens=PageTokens(secret),
    )
    groups = GroupServicer(group_use_cases, PageTokens(secret))
    mail = mailer_from_settings(settings, settings.data_dir)
    mail_worker = mail_sender_worker(settings.service_name, MailSender(wiring.db, mail_outbox, mail, wiring.clock))
    emails = InvitationEmailUseCases(MailerInvitationEmails(mail), wiring.clock, settings.public_url, secret)
    mailer = InvitationMailer(emails, store.bind, mail_worker.wake)
    runtime = wiring.runtime(
        [
            (membership_service_pb2_grpc.add_MembershipServiceServicer_to_server, servicer, SERVICE_NAME),
            (group_service_pb2_grpc.add_GroupServiceServicer_to_server, groups, GROUP_SERVICE_NAME),
        ],
        [
            wiring.consumer(MAILER_CONSUMER, [PRODUCER], mailer.handlers()),
            wiring.consumer(IDENTITY_CONSUMER, ["identity"], IdentityProjection(wiring.clock, store.bind).handlers()),
            wiring.consumer(BILLING_CONSUMER, ["billing"], BillingProjection(store.bind).handlers()),
        ],
    )
    runtime.workers.append(mail_worker)
    return runtime


def main() -> int:
    return run_cli(MembershipSettings, build, MIGRATIONS_DIR)
