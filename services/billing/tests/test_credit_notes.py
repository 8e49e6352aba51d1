"""Credit notes: the only correction of a paid invoice, which never changes; their own gapless numbers; the
credit notes of an invoice never total more than it (property-tested), on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.billing.domain.credit_notes import credit_amounts
from services.billing.domain.invoices import INVOICE_OPEN, INVOICE_PAID, Invoice, InvoiceDraft, InvoiceLine
from services.billing.domain.money import Money, tax_on
from services.billing.domain.payments import PaymentMethod
from services.billing.domain.subscription import BillingProfile
from services.billing.tests.harness import OPERATOR, ORG, BillingHarness, principal
from services.billing.tests.test_subscriptions import BILLING_ADMIN, OWNER, activate
from services.common.errors import FailedPrecondition, InvalidArgument, PermissionDenied

MOMENT = datetime(2026, 3, 1, tzinfo=UTC)


def paid_invoice(subtotal: int, rate: int, currency: str = "EUR") -> Invoice:
    line = InvoiceLine("Team", 1, Money(subtotal, currency), Money(subtotal, currency), MOMENT, MOMENT)
    draft = InvoiceDraft(ORG, "renewal", currency, (line,), rate, BillingProfile(), MOMENT, MOMENT)
    return Invoice("inv-1", "ORG1-000001", INVOICE_PAID, MOMENT, draft, MOMENT)


@given(
    subtotal=st.integers(min_value=1, max_value=10**9),
    rate=st.integers(min_value=0, max_value=10_000),
    requests=st.lists(st.integers(min_value=-5, max_value=10**9), max_size=12),
    currency=st.sampled_from(["EUR", "JPY", "KWD"]),
)
def test_credit_notes_never_total_more_than_their_invoice(
    subtotal: int, rate: int, requests: list[int], currency: str
) -> None:
    invoice = paid_invoice(subtotal, rate, currency)
    credited = Money.zero(currency)
    for amount in requests:
        remaining = invoice.total - credited
        try:
            amounts = credit_amounts(invoice, amount, credited, "correction")
        except InvalidArgument:
            assert amount <= 0
            continue
        except FailedPrecondition as refused:
            assert refused.reason == "CREDIT_EXCEEDS_INVOICE"
            assert amount + tax_on(Money(amount, currency), rate).amount > remaining.amount
            continue
        assert amounts.subtotal == Money(amount, currency)
        assert amounts.tax == tax_on(amounts.subtotal, rate)  # rule 4, at the invoice's rate
        assert amounts.total == amounts.subtotal + amounts.tax
        credited = credited + amounts.total
        assert (invoice.total - credited).amount >= 0  # never below zero, to the minor unit


def test_an_open_invoice_and_a_missing_reason_are_refused() -> None:
    with pytest.raises(FailedPrecondition) as open_invoice:
        credit_amounts(replace(paid_invoice(1000, 0), status=INVOICE_OPEN), 100, Money.zero("EUR"), "x")
    assert open_invoice.value.reason == "INVOICE_NOT_PAID"
    with pytest.raises(InvalidArgument) as bad:
        credit_amounts(paid_invoice(1000, 0), 0, Money.zero("EUR"), " ")
    assert {violation.field for violation in bad.value.violations} == {"amount_minor", "reason"}


async def test_a_paid_invoice_is_credited_by_numbered_credit_notes_and_itself_never_changes(
    billing: BillingHarness,
) -> None:
    await billing.open_organization()
    await billing.subscriptions.update_profile(OPERATOR, ORG, BillingProfile(tax_rate_basis_points=1900))
    await activate(billing)
    [invoice] = await billing.subscriptions.list_invoices(BILLING_ADMIN, ORG)
    assert (invoice.status, invoice.total) == ("paid", Money(14280, "EUR"))
    for tenant in (principal("billing.read"), BILLING_ADMIN, OWNER):  # a customer never credits its own invoice
        with pytest.raises(PermissionDenied):
            await billing.subscriptions.create_credit_note(tenant, ORG, invoice.id, 100, "x")

    first = await billing.subscriptions.create_credit_note(
        OPERATOR, ORG, invoice.id, 2000, "Two seats unused", idempotency_key="cn-1"
    )
    assert (first.number, first.subtotal, first.tax, first.total) == (
        "ORG1-CN-000001",
        Money(2000, "EUR"),
        Money(380, "EUR"),
        Money(2380, "EUR"),
    )
    retry = await billing.subscriptions.create_credit_note(
        OPERATOR, ORG, invoice.id, 2000, "Two seats unused", idempotency_key="cn-1"
    )
    assert retry == first
    with pytest.raises(FailedPrecondition) as too_much:
        await billing.subscriptions.create_credit_note(OPERATOR, ORG, invoice.id, 10001, "Everything")
    assert (too_much.value.reason, too_much.value.metadata) == ("CREDIT_EXCEEDS_INVOICE", {"remaining_minor": "11900"})
    rest = await billing.subscriptions.create_credit_note(OPERATOR, ORG, invoice.id, 10000, "The rest")
    assert (rest.number, rest.total) == ("ORG1-CN-000002", Money(11900, "EUR"))
    with pytest.raises(FailedPrecondition):
        await billing.subscriptions.create_credit_note(OPERATOR, ORG, invoice.id, 1, "Below zero")

    assert [note.number for note in await billing.subscriptions.list_credit_notes(BILLING_ADMIN, ORG)] == [
        "ORG1-CN-000002",
        "ORG1-CN-000001",
    ]
    [unchanged] = await billing.subscriptions.list_invoices(BILLING_ADMIN, ORG)
    assert unchanged == invoice
    assert await billing.published_subjects("tenantry.billing.credit_note.") == [
        "tenantry.billing.credit_note.issued",
        "tenantry.billing.credit_note.issued",
    ]


async def test_an_open_invoice_is_not_credited(billing: BillingHarness) -> None:
    await activate(billing, PaymentMethod("invoice"))
    [invoice] = await billing.subscriptions.list_invoices(BILLING_ADMIN, ORG)
    with pytest.raises(FailedPrecondition) as refused:
        await billing.subscriptions.create_credit_note(OPERATOR, ORG, invoice.id, 100, "Discount")
    assert refused.value.reason == "INVOICE_NOT_PAID"
