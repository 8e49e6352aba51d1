"""Payment providers behind one interface: `invoice` waits for an operator, `test` lets the token decide; payment
methods keep provider references only and refuse card numbers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.billing.adapters.payment_providers import payment_providers
from services.billing.domain.billing_details import validate_payment_method
from services.billing.domain.money import Money
from services.billing.domain.payments import PAYMENT_FAILED, PAYMENT_PENDING, PAYMENT_SUCCEEDED, PaymentMethod
from services.common.errors import InvalidArgument

TODAY = datetime(2026, 3, 1, tzinfo=UTC)
CARD = PaymentMethod("test", reference="tok_visa", brand="Visa", last4="4242", expiry_month=3, expiry_year=2026)
AMOUNT = Money(1200, "EUR")


async def test_the_test_provider_decides_by_token_and_always_the_same_way() -> None:
    providers = payment_providers()
    first = await providers.charge(CARD, AMOUNT, "ORG1-000001")
    again = await providers.charge(CARD, AMOUNT, "ORG1-000001")
    assert (first.status, first.reference) == (PAYMENT_SUCCEEDED, "test-ORG1-000001") and again == first
    declined = await providers.charge(PaymentMethod("test", reference="tok_visa_fail"), AMOUNT, "ORG1-000002")
    assert declined.status == PAYMENT_FAILED and "declined" in declined.failure_reason


async def test_an_invoice_waits_for_the_operator_and_a_disabled_provider_collects_nothing() -> None:
    assert (await payment_providers().charge(PaymentMethod("invoice"), AMOUNT, "N")).status == PAYMENT_PENDING
    only_invoices = payment_providers(["invoice"])
    refused = await only_invoices.charge(CARD, AMOUNT, "N")
    assert (refused.status, refused.failure_reason) == (PAYMENT_FAILED, "The test provider is not enabled.")
    with pytest.raises(ValueError):
        payment_providers(["stripe"])


def test_a_card_is_stored_as_provider_references_only() -> None:
    stored = validate_payment_method(CARD, TODAY)
    assert stored == PaymentMethod("test", "", "tok_visa", "visa", "4242", 3, 2026)
    assert stored.display == "visa •••• 4242 (03/2026)"
    invoice = validate_payment_method(PaymentMethod("invoice", " PO-4711 ", reference="tok_x"), TODAY)
    assert (invoice, invoice.display) == (PaymentMethod("invoice", "PO-4711"), "invoice (PO-4711)")
    assert validate_payment_method(PaymentMethod("none", "x"), TODAY) == PaymentMethod()


@pytest.mark.parametrize(
    ("method", "fields"),
    [
        (PaymentMethod("test", reference="4242424242424242"), {"reference", "brand", "last4", "expiry_month"}),
        (PaymentMethod("invoice", "card 4242-4242-4242-4242"), {"label"}),
        (PaymentMethod("test", "", "tok_visa", "visa", "42", 13, 2030), {"last4", "expiry_month"}),
        (PaymentMethod("test", "", "tok_visa", "visa", "4242", 2, 2026), {"expiry_year"}),  # expired last month
        (PaymentMethod("card", "Visa 4242"), {"kind"}),
    ],
)
def test_card_numbers_and_incomplete_cards_are_refused(method: PaymentMethod, fields: set[str]) -> None:
    with pytest.raises(InvalidArgument) as refused:
        validate_payment_method(method, TODAY)
    assert {violation.field.removeprefix("payment_method.") for violation in refused.value.violations} == fields
