"""Payment providers behind the PaymentProcessor port (domain/ports.py), chosen by the payment method's provider.

- `invoice`: bank transfer or purchase order. Nothing is collected: the invoice stays open until an operator
  records the payment with RecordPayment (due within the payment terms, else dunning starts).
- `test`: a card token whose outcome is decided by the token alone, for tests and demos: tokens ending in
  `_fail` are declined, every other token is charged. Nothing real is charged.

A real card acquirer plugs in as another provider with the same `charge`, stored methods keeping only its
references (token, brand, last 4, expiry)."""

from __future__ import annotations

from services.billing.domain.money import Money
from services.billing.domain.payments import (
    METHOD_INVOICE,
    METHOD_TEST,
    PAYMENT_FAILED,
    PAYMENT_PENDING,
    PAYMENT_SUCCEEDED,
    ChargeResult,
    PaymentMethod,
)
from services.billing.domain.ports import PaymentProcessor

FAILING_TOKEN_SUFFIX = "_fail"
PROVIDERS = (METHOD_INVOICE, METHOD_TEST)


class InvoiceProvider:
    async def charge(self, method: PaymentMethod, amount: Money, invoice_number: str) -> ChargeResult:
        return ChargeResult(PAYMENT_PENDING)


class TestProvider:
    """Deterministic: the token decides, and the same invoice gets the same reference."""

    __test__ = False  # not a pytest class

    async def charge(self, method: PaymentMethod, amount: Money, invoice_number: str) -> ChargeResult:
        if method.reference.endswith(FAILING_TOKEN_SUFFIX):
            return ChargeResult(PAYMENT_FAILED, failure_reason="The card was declined (test token).")
        return ChargeResult(PAYMENT_SUCCEEDED, reference=f"test-{invoice_number}")


class PaymentProviders:
    """One PaymentProcessor over the enabled providers; a method of a provider not enabled fails to collect."""

    def __init__(self, providers: dict[str, PaymentProcessor]):
        self._providers = providers

    async def charge(self, method: PaymentMethod, amount: Money, invoice_number: str) -> ChargeResult:
        provider = self._providers.get(method.kind)
        if provider is None:
            return ChargeResult(PAYMENT_FAILED, failure_reason=f"The {method.kind} provider is not enabled.")
        return await provider.charge(method, amount, invoice_number)


def payment_providers(names: list[str] | tuple[str, ...] = PROVIDERS) -> PaymentProviders:
    unknown = [name for name in names if name not in PROVIDERS]
    if unknown:
        raise ValueError(f"unknown payment providers {unknown}; from {', '.join(PROVIDERS)}")
    available: dict[str, PaymentProcessor] = {METHOD_INVOICE: InvoiceProvider(), METHOD_TEST: TestProvider()}
    return PaymentProviders({name: available[name] for name in names})
