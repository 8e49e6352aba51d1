"""Billing's domain events; the events room turns them into envelopes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.billing.domain.credit_notes import CreditNote
from services.billing.domain.invoices import Invoice
from services.billing.domain.payments import Payment
from services.billing.domain.subscription import Subscription
from services.common.domain import DomainEvent


@dataclass(frozen=True)
class SeatReserved(DomainEvent):
    organization_id: str
    member_id: str
    seats_in_use: int
    seats_purchased: int


@dataclass(frozen=True)
class SeatReleased(DomainEvent):
    organization_id: str
    member_id: str


@dataclass(frozen=True)
class SubscriptionChanged(DomainEvent):
    """`change` names what happened (seats_added, renewed, canceled, past_due, ...)."""

    change: str
    subscription: Subscription
    previous: Subscription


@dataclass(frozen=True)
class InvoiceIssued(DomainEvent):
    invoice: Invoice


@dataclass(frozen=True)
class PaymentAttempted(DomainEvent):
    """`outcome` is succeeded, failed or recorded (paid by hand)."""

    outcome: str
    payment: Payment
    failed_attempts: int


@dataclass(frozen=True)
class OrganizationDeletionScheduled(DomainEvent):
    """A canceled subscription ended: the organization's data is to be deleted on `deletion_at`."""

    organization_id: str
    subscription_ended_at: datetime
    deletion_at: datetime


@dataclass(frozen=True)
class CreditNoteIssued(DomainEvent):
    credit_note: CreditNote
