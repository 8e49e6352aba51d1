"""Payment processors behind domain.payments.PaymentProcessor.

Only the local processor exists so far: it is what a self-hosted install without a card acquirer runs, and
what local runs and demos use. A card is accepted unless its label ends in "0002" (the conventional
declined test card, so dunning can be seen end to end); a bank transfer is pending until an operator records
it with RecordPayment. A real acquirer plugs in as another class with the same `charge`."""

from __future__ import annotations

from services.billing.domain.money import Money
from services.billing.domain.payments import (
    METHOD_BANK_TRANSFER,
    METHOD_CARD,
    PAYMENT_FAILED,
    PAYMENT_PENDING,
    PAYMENT_SUCCEEDED,
    ChargeResult,
    PaymentMethod,
)
from services.common.ids import new_id

DECLINED_CARD_SUFFIX = "0002"
PROCESSORS = ("local",)


class LocalPaymentProcessor:
    async def charge(self, method: PaymentMethod, amount: Money, invoice_number: str) -> ChargeResult:
        if method.kind == METHOD_BANK_TRANSFER:
            return ChargeResult(PAYMENT_PENDING)
        if method.kind != METHOD_CARD:
            return ChargeResult(PAYMENT_FAILED, failure_reason="This payment method cannot be charged.")
        if method.label.endswith(DECLINED_CARD_SUFFIX):
            return ChargeResult(PAYMENT_FAILED, failure_reason="The card was declined.")
        return ChargeResult(PAYMENT_SUCCEEDED, reference=f"local-{new_id()}")


def payment_processor(name: str) -> LocalPaymentProcessor:
    if name not in PROCESSORS:
        raise ValueError(f"unknown payment processor {name!r}; one of {', '.join(PROCESSORS)}")
    return LocalPaymentProcessor()
