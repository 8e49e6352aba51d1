"""Composition root of the billing service."""

from __future__ import annotations

from pathlib import Path

from tenantry.billing.v1 import (
    billing_service_pb2,
    billing_service_pb2_grpc,
    entitlement_service_pb2,
    entitlement_service_pb2_grpc,
)

from services.billing.adapters.membership_members import MembershipMembers
from services.billing.adapters.payment_providers import payment_providers
from services.billing.api.entitlements import EntitlementServicer
from services.billing.api.servicer import BillingServicer
from services.billing.domain.catalogue import load_catalogue
from services.billing.domain.entitlements import EntitlementQueries
from services.billing.domain.invoice_mail import InvoiceMailing
from services.billing.domain.reconciliation import SeatReconciliation
from services.billing.domain.subscription_opening import SubscriptionOpener
from services.billing.domain.use_cases import billing_use_cases
from services.billing.events.consume import SEATS_CONSUMER, SeatProjection
from services.billing.events.feature_use import FEATURE_USE_CONSUMER, FeatureUseProjection
from services.billing.events.mail import INVOICE_MAILER_CONSUMER, InvoiceMailQueue
from services.billing.events.publish import BillingEnvelopes
from services.billing.render.invoice_pdf import render_invoice_pdf
from services.billing.settings import BillingSettings
from services.billing.store.sql import SqlBillingStore
from services.billing.store.tables import mail_outbox, messaging
from services.billing.workers.renewals import renewal_worker
from services.common.clock import Clock
from services.common.mail import mailer_from_settings
from services.common.mail_sender import MailSender, mail_sender_worker
from services.common.pagination import PageTokens
from services.common.runtime import ServiceRuntime, Wiring, run_cli

MIGRATIONS_DIR = Path(__file__).parent / "store" / "migrations"
SERVICE_NAME = billing_service_pb2.DESCRIPTOR.services_by_name["BillingService"].full_name
ENTITLEMENT_SERVICE_NAME = entitlement_service_pb2.DESCRIPTOR.services_by_name["EntitlementService"].full_name


def build(settings: BillingSettings, clock: Clock | None = None) -> ServiceRuntime:
    catalogue = load_catalogue(settings.catalogue_path)  # a broken catalogue stops billing before it serves
    processor = payment_providers(settings.payment_providers)
    wiring = Wiring.from_settings(settings, messaging, clock)
    store = SqlBillingStore(wiring.db, wiring.outbox, wiring.clock, BillingEnvelopes(catalogue))
    opener = SubscriptionOpener(catalogue, settings.default_seats, wiring.clock)
    use_cases = billing_use_cases(store, wiring.clock, catalogue, processor, opener)
    reconciliation = SeatReconciliation(
        store, MembershipMembers(settings.membership_address, security=settings.channel_security())
    )
    page_tokens = PageTokens(settings.secret_keys)
    servicer = BillingServicer(use_cases, page_tokens, render_invoice_pdf, reconciliation)
    seats = SeatProjection(store, use_cases.seat_holds, opener)
    mailer = mailer_from_settings(settings, settings.data_dir)
    mailing = InvoiceMailing(store, wiring.clock, mailer, render_invoice_pdf)
    sender = MailSender(wiring.db, mail_outbox, mailer, wiring.clock, complete=mailing.complete)
    mail_worker = mail_sender_worker(settings.service_name, sender)
    mail_queue = InvoiceMailQueue(store, mailing, mail_worker.wake)
    runtime = wiring.runtime(
        [
            (billing_service_pb2_grpc.add_BillingServiceServicer_to_server, servicer, SERVICE_NAME),
            (
                entitlement_service_pb2_grpc.add_EntitlementServiceServicer_to_server,
                EntitlementServicer(EntitlementQueries(store, catalogue)),
                ENTITLEMENT_SERVICE_NAME,
            ),
        ],
        [
            wiring.consumer(SEATS_CONSUMER, ["membership"], seats.handlers()),
            wiring.consumer(INVOICE_MAILER_CONSUMER, ["billing"], mail_queue.handlers()),
            wiring.consumer(FEATURE_USE_CONSUMER, ["identity"], FeatureUseProjection(store).handlers()),
        ],
    )
    renewals = renewal_worker(use_cases.renewals, settings.renewal_interval_seconds, wiring.lease("billing-renewals"))
    runtime.workers.append(renewals)
    runtime.workers.append(mail_worker)
    return runtime


def main() -> int:
    return run_cli(BillingSettings, build, MIGRATIONS_DIR)
