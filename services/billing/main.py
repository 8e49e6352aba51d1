"""Composition root of the billing service."""

from __future__ import annotations

from pathlib import Path

from tenantry.billing.v1 import billing_service_pb2, billing_service_pb2_grpc

from services.billing.api.servicer import BillingServicer
from services.billing.clients import MembershipMembers
from services.billing.domain.catalogue import load_catalogue
from services.billing.domain.opening import SubscriptionOpener
from services.billing.domain.reconciliation import SeatReconciliation
from services.billing.domain.subscription_use_cases import SubscriptionUseCases
from services.billing.domain.use_cases import BillingUseCases
from services.billing.events.consume import SEATS_CONSUMER, SeatProjection
from services.billing.events.mail import INVOICE_MAILER_CONSUMER, InvoiceMailer
from services.billing.events.publish import to_envelope
from services.billing.payment_processors import payment_providers
from services.billing.renewals import RenewalWorker
from services.billing.settings import BillingSettings
from services.billing.store.sql import SqlBillingStore
from services.billing.store.tables import messaging
from services.common.clock import Clock
from services.common.mail import mailer_from_settings
from services.common.runtime import ServiceRuntime, Wiring, run_cli

MIGRATIONS_DIR = Path(__file__).parent / "store" / "migrations"
SERVICE_NAME = billing_service_pb2.DESCRIPTOR.services_by_name["BillingService"].full_name


def build(settings: BillingSettings, clock: Clock | None = None) -> ServiceRuntime:
    catalogue = load_catalogue(settings.catalogue_path)  # a broken catalogue stops billing before it serves
    processor = payment_providers(settings.payment_providers)
    wiring = Wiring.from_settings(settings, messaging, clock)
    store = SqlBillingStore(wiring.db, wiring.outbox, wiring.clock, to_envelope)
    subscriptions = SubscriptionUseCases(store, wiring.clock, catalogue, processor)
    opener = SubscriptionOpener(catalogue, settings.default_seats, wiring.clock)
    reconciliation = SeatReconciliation(store, MembershipMembers(settings.membership_address))
    servicer = BillingServicer(BillingUseCases(store, wiring.clock, opener), subscriptions, reconciliation)
    seats = SeatProjection(store, opener, wiring.clock)
    invoice_mailer = InvoiceMailer(mailer_from_settings(settings, settings.data_dir), store)
    runtime = wiring.runtime(
        [(billing_service_pb2_grpc.add_BillingServiceServicer_to_server, servicer, SERVICE_NAME)],
        [
            wiring.consumer(SEATS_CONSUMER, ["membership"], seats.handlers()),
            wiring.consumer(INVOICE_MAILER_CONSUMER, ["billing"], invoice_mailer.handlers()),
        ],
    )
    runtime.workers.append(RenewalWorker(subscriptions, settings.renewal_interval_seconds))
    return runtime


def main() -> int:
    return run_cli(BillingSettings, build, MIGRATIONS_DIR)
