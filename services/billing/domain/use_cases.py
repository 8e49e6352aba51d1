"""Billing's use cases by area, built over the same ports: what the servicer, the workers and the tests call."""

from __future__ import annotations

from dataclasses import dataclass

from services.billing.domain.billing_records import BillingRecordUseCases
from services.billing.domain.catalogue import Catalogue
from services.billing.domain.collection import Collection
from services.billing.domain.credit_note_issuing import CreditNoteUseCases
from services.billing.domain.payment_recording import PaymentRecordingUseCases
from services.billing.domain.plan_changes import PlanChangeUseCases
from services.billing.domain.ports import BillingStore, PaymentProcessor
from services.billing.domain.renewals import RenewalUseCases
from services.billing.domain.seat_holds import SeatHoldUseCases
from services.billing.domain.seat_purchases import SeatPurchaseUseCases
from services.billing.domain.subscription_access import SubscriptionAccess
from services.billing.domain.subscription_opening import SubscriptionOpener
from services.billing.domain.subscriptions import SubscriptionUseCases
from services.common.clock import Clock


@dataclass(frozen=True)
class BillingUseCases:
    seat_holds: SeatHoldUseCases
    subscriptions: SubscriptionUseCases
    seat_purchases: SeatPurchaseUseCases
    plan_changes: PlanChangeUseCases
    records: BillingRecordUseCases
    payments: PaymentRecordingUseCases
    credit_notes: CreditNoteUseCases
    renewals: RenewalUseCases


def billing_use_cases(
    store: BillingStore, clock: Clock, catalogue: Catalogue, processor: PaymentProcessor, opener: SubscriptionOpener
) -> BillingUseCases:
    access = SubscriptionAccess(store, clock, catalogue)
    collection = Collection(access, processor)
    return BillingUseCases(
        seat_holds=SeatHoldUseCases(store, clock, opener),
        subscriptions=SubscriptionUseCases(access, collection),
        seat_purchases=SeatPurchaseUseCases(access, collection),
        plan_changes=PlanChangeUseCases(access, collection),
        records=BillingRecordUseCases(store),
        payments=PaymentRecordingUseCases(access),
        credit_notes=CreditNoteUseCases(access),
        renewals=RenewalUseCases(access, collection),
    )
