"""Payment methods and the processor that collects invoices from them, behind one small abstraction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from services.billing.domain.money import Money

METHOD_NONE = "none"
METHOD_CARD = "card"
METHOD_BANK_TRANSFER = "bank_transfer"
METHOD_KINDS = (METHOD_NONE, METHOD_CARD, METHOD_BANK_TRANSFER)

PAYMENT_SUCCEEDED = "succeeded"
PAYMENT_FAILED = "failed"
PAYMENT_PENDING = "pending"


@dataclass(frozen=True)
class PaymentMethod:
    """How an organization pays: a card (label like "Visa 4242"), bank transfer (recorded by hand), or none."""

    kind: str = METHOD_NONE
    label: str = ""


@dataclass(frozen=True)
class ChargeResult:
    """What a processor answered: succeeded, failed (with a reason), or pending (paid later, recorded by hand)."""

    status: str
    reference: str = ""
    failure_reason: str = ""


@dataclass(frozen=True)
class Payment:
    id: str
    organization_id: str
    invoice_id: str
    amount: Money
    status: str
    method: str
    reference: str
    failure_reason: str
    attempted_at: datetime


class PaymentProcessor(Protocol):
    """Collects an amount from a payment method; never raises for a decline (that is a failed result)."""

    async def charge(self, method: PaymentMethod, amount: Money, invoice_number: str) -> ChargeResult: ...
