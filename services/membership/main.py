"""Composition root of the membership service: build(settings) wires store, bus and servicers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tenantry.membership.v1 import (
    access_service_pb2,
    access_service_pb2_grpc,
    deletion_service_pb2,
    deletion_service_pb2_grpc,
    group_service_pb2,
    group_service_pb2_grpc,
    membership_service_pb2,
    membership_service_pb2_grpc,
    provisioning_service_pb2,
    provisioning_service_pb2_grpc,
    scim_hold_service_pb2,
    scim_hold_service_pb2_grpc,
)

from services.common.clock import Clock
from services.common.entitlements import EntitlementProjection
from services.common.mail import mailer_from_settings
from services.common.mail_sender import MailSender, mail_sender_worker
from services.common.pagination import PageTokens
from services.common.runtime import ServiceRuntime, Wiring, run_cli
from services.common.store import OutboxStore
from services.membership.adapters.billing_seats import BillingSeats
from services.membership.adapters.invitation_emails import MailerInvitationEmails
from services.membership.api.access import AccessServicer
from services.membership.api.deletion import DeletionServicer
from services.membership.api.groups import GroupServicer
from services.membership.api.idempotency import IDEMPOTENCY_RULES
from services.membership.api.provisioning import ProvisioningServicer
from services.membership.api.scim_holds import ScimHoldServicer
from services.membership.api.servicer import MembershipServicer
from services.membership.domain.access import AccessUseCases
from services.membership.domain.avatars import AvatarUseCases
from services.membership.domain.bulk import BulkUseCases
from services.membership.domain.custom_roles import RoleUseCases
from services.membership.domain.deletion import OrganizationDeletion
from services.membership.domain.deletion_notices import DeletionNotices
from services.membership.domain.early_deletion import EarlyDeletion
from services.membership.domain.exports import ExportUseCases
from services.membership.domain.groups import GroupUseCases
from services.membership.domain.imports import ImportUseCases
from services.membership.domain.invitation_emails import InvitationEmailUseCases
from services.membership.domain.invitations import InvitationUseCases
from services.membership.domain.logos import OrganizationLogos
from services.membership.domain.members import MemberUseCases
from services.membership.domain.modules import load_modules
from services.membership.domain.organizations import OrganizationUseCases
from services.membership.domain.profile_fields import ProfileFieldUseCases
from services.membership.domain.provisioning import ProvisioningUseCases
from services.membership.domain.scim_dry_run import ScimSettingsUseCases
from services.membership.domain.scim_groups import ScimGroupUseCases
from services.membership.domain.scim_holds import ScimHolds
from services.membership.domain.scim_seat_notices import ScimSeatNotices
from services.membership.domain.scim_users import ScimUserUseCases
from services.membership.domain.seat_switch import SeatSwitchUseCases
from services.membership.events.consume import (
    BILLING_CONSUMER,
    IDENTITY_CONSUMER,
    MAILER_CONSUMER,
    BillingProjection,
    IdentityProjection,
    InvitationMailer,
)
from services.membership.events.deletion import deletion_envelope
from services.membership.events.modules import module_envelope
from services.membership.events.publish import PRODUCER, to_envelope
from services.membership.settings import MembershipSettings
from services.membership.store.access import SqlAccessStore
from services.membership.store.deletion import SqlDeletionTransaction
from services.membership.store.sql import SqlMembershipStore
from services.membership.store.tables import entitlements, mail_outbox, messaging
from services.membership.workers.deletion import DELETION_LEASE, deletion_worker

MIGRATIONS_DIR = Path(__file__).parent / "store" / "migrations"
SERVICE_NAME = membership_service_pb2.DESCRIPTOR.services_by_name["MembershipService"].full_name
ACCESS_SERVICE_NAME = access_service_pb2.DESCRIPTOR.services_by_name["AccessService"].full_name
GROUP_SERVICE_NAME = group_service_pb2.DESCRIPTOR.services_by_name["GroupService"].full_name
PROVISIONING_SERVICE_NAME = provisioning_service_pb2.DESCRIPTOR.services_by_name["ProvisioningService"].full_name
SCIM_HOLD_SERVICE_NAME = scim_hold_service_pb2.DESCRIPTOR.services_by_name["ScimHoldService"].full_name
DELETION_SERVICE_NAME = deletion_service_pb2.DESCRIPTOR.services_by_name["OrganizationDeletionService"].full_name


def build(settings: MembershipSettings, clock: Clock | None = None) -> ServiceRuntime:
    wiring = Wiring.from_settings(settings, messaging, clock)
    store = SqlMembershipStore(wiring.db, wiring.outbox, wiring.clock, to_envelope)
    # Every key verifies links and page tokens (rotation); the first signs new ones.
    signing_keys = settings.secret_keys
    seats = BillingSeats(settings.billing_address, security=settings.channel_security())
    ttl = timedelta(days=settings.invitation_ttl_days)
    members = MemberUseCases(store, wiring.clock, seats)
    invitations = InvitationUseCases(store, wiring.clock, ttl, signing_keys, seats)
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
        seat_switch=SeatSwitchUseCases(store, wiring.clock, seats),
        avatars=AvatarUseCases(store, wiring.clock),
        logos=OrganizationLogos(store, wiring.clock),
        page_tokens=PageTokens(signing_keys),
    )
    groups = GroupServicer(group_use_cases, PageTokens(signing_keys))
    provisioning_use_cases = ProvisioningUseCases(store, wiring.clock, seats)
    provisioning = ProvisioningServicer(
        provisioning_use_cases,
        ScimUserUseCases(store, wiring.clock, provisioning_use_cases, members),
        ScimGroupUseCases(store, wiring.clock),
    )
    modules = load_modules(settings.modules_path)  # a broken module catalogue stops membership before it serves
    access_store = SqlAccessStore(wiring.db, wiring.outbox, wiring.clock, module_envelope)
    access = AccessServicer(AccessUseCases(access_store, modules, wiring.clock, settings.access_cache_seconds))
    deletion_store = OutboxStore(SqlDeletionTransaction, wiring.db, wiring.outbox, wiring.clock, deletion_envelope)
    deletion = OrganizationDeletion(deletion_store, wiring.clock)
    mail = mailer_from_settings(settings, settings.data_dir)
    mail_worker = mail_sender_worker(settings.service_name, MailSender(wiring.db, mail_outbox, mail, wiring.clock))
    emails = InvitationEmailUseCases(MailerInvitationEmails(mail), wiring.clock, settings.public_url, signing_keys[0])
    seat_notices = ScimSeatNotices(MailerInvitationEmails(mail), wiring.clock)
    deletion_notices = DeletionNotices(MailerInvitationEmails(mail), wiring.clock)
    mailer = InvitationMailer(emails, store.bind, mail_worker.wake, seat_notices, deletion_notices)
    runtime = wiring.runtime(
        [
            (membership_service_pb2_grpc.add_MembershipServiceServicer_to_server, servicer, SERVICE_NAME),
            (group_service_pb2_grpc.add_GroupServiceServicer_to_server, groups, GROUP_SERVICE_NAME),
            (
                provisioning_service_pb2_grpc.add_ProvisioningServiceServicer_to_server,
                provisioning,
                PROVISIONING_SERVICE_NAME,
            ),
            (access_service_pb2_grpc.add_AccessServiceServicer_to_server, access, ACCESS_SERVICE_NAME),
            (
                scim_hold_service_pb2_grpc.add_ScimHoldServiceServicer_to_server,
                ScimHoldServicer(
                    ScimHolds(store, wiring.clock, members),
                    ScimSettingsUseCases(store, wiring.clock, PageTokens(signing_keys)),
                ),
                SCIM_HOLD_SERVICE_NAME,
            ),
            (
                deletion_service_pb2_grpc.add_OrganizationDeletionServiceServicer_to_server,
                DeletionServicer(
                    deletion,
                    EarlyDeletion(deletion_store, wiring.clock, timedelta(days=settings.early_deletion_grace_days)),
                ),
                DELETION_SERVICE_NAME,
            ),
        ],
        [
            wiring.consumer(MAILER_CONSUMER, [PRODUCER], mailer.handlers()),
            wiring.consumer(IDENTITY_CONSUMER, ["identity"], IdentityProjection(wiring.clock, store.bind).handlers()),
            wiring.consumer(
                BILLING_CONSUMER,
                ["billing"],
                {
                    **BillingProjection(store.bind).handlers(),
                    **EntitlementProjection(entitlements, wiring.clock).handlers(),
                },
            ),
        ],
        idempotency_rules=IDEMPOTENCY_RULES,
    )
    runtime.workers.append(mail_worker)
    runtime.workers.append(deletion_worker(deletion, settings.deletion_pass_seconds, wiring.lease(DELETION_LEASE)))
    return runtime


def main() -> int:
    return run_cli(MembershipSettings, build, MIGRATIONS_DIR)
