"""Payment methods, collection results and payments (the processor that collects is a port, domain/ports.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.billing.domain.money import Money

# A payment method names its provider: none, "invoice" (bank transfer or purchase order, marked paid by an
# operator with RecordPayment) or "test" (a card token whose outcome is fixed by the token, for tests and demos).
METHOD_NONE = "none"
METHOD_INVOICE = "invoice"
METHOD_TEST = "test"
METHOD_KINDS = (METHOD_NONE, METHOD_INVOICE, METHOD_TEST)

PAYMENT_SUCCEEDED = "succeeded"
PAYMENT_FAILED = "failed"
PAYMENT_PENDING = "pending"


# A payment records the method's display (payments.method, at most 64 characters): "invoice (" + label + ")"
# fits only with the label shortened to 54 (labels themselves may have 64).
MAX_DISPLAY = 64
MAX_DISPLAY_LABEL = MAX_DISPLAY - len("invoice ()")


@dataclass(frozen=True)
class PaymentMethod:
    """How an organization pays, as provider references only: the provider (`kind`), the provider's token for a
    card (`reference`) with its brand, last 4 digits and expiry, or for an invoice a purchase order or note
    (`label`). Never a card number."""

    kind: str = METHOD_NONE
    label: str = ""
    reference: str = ""
    brand: str = ""
    last4: str = ""
    expiry_month: int = 0
    expiry_year: int = 0

    @property
    def display(self) -> str:
        """What people see: "visa •••• 4242 (12/2030)", "invoice (PO-1)", "none"."""
        if self.kind == METHOD_TEST:
            return f"{self.brand} •••• {self.last4} ({self.expiry_month:02d}/{self.expiry_year})"
        if self.kind == METHOD_INVOICE and self.label:
            label = self.label if len(self.label) <= MAX_DISPLAY_LABEL else self.label[: MAX_DISPLAY_LABEL - 1] + "…"
            return f"invoice ({label})"
        return self.kind


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
