"""Credit notes: the only correction of a paid invoice, which never changes; their own gapless numbers; the
credit notes of an invoice never total more than it (property-tested), on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.billing.domain.credit_notes import CreditAmounts, credit_amounts
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


def nothing_credited(currency: str) -> CreditAmounts:
    return CreditAmounts(Money.zero(currency), Money.zero(currency))


@given(
    subtotal=st.integers(min_value=1, max_value=10**9),
    rate=st.integers(min_value=0, max_value=10_000),
    requests=st.lists(
        st.one_of(st.integers(min_value=-5, max_value=10**9), st.integers(min_value=1, max_value=5)), max_size=40
    ),
    credit_the_rest=st.booleans(),
    currency=st.sampled_from(["EUR", "JPY", "KWD"]),
)
def test_credit_notes_never_credit_more_subtotal_or_tax_than_their_invoice(
    subtotal: int, rate: int, requests: list[int], credit_the_rest: bool, currency: str
) -> None:
    invoice = paid_invoice(subtotal, rate, currency)
    credited = nothing_credited(currency)
    issued = 0
    for amount in requests:
        remaining_subtotal = invoice.draft.subtotal - credited.subtotal
        try:
            amounts = credit_amounts(invoice, amount, credited, "correction")
        except InvalidArgument:
            assert amount <= 0
            continue
        except FailedPrecondition as refused:
            assert refused.reason == "CREDIT_EXCEEDS_INVOICE"
            assert amount > remaining_subtotal.amount
            continue
        issued += 1
        assert amounts.subtotal == Money(amount, currency)
        # rule 4 at the invoice's rate, capped by the tax not yet credited; the note reaching the subtotal takes
        # exactly the rest of the tax
        if amount == remaining_subtotal.amount:
            assert amounts.tax == invoice.draft.tax - credited.tax
        else:
            assert 0 <= amounts.tax.amount <= tax_on(amounts.subtotal, rate).amount
        credited = CreditAmounts(credited.subtotal + amounts.subtotal, credited.tax + amounts.tax)
        assert credited.subtotal.amount <= invoice.draft.subtotal.amount
        assert credited.tax.amount <= invoice.draft.tax.amount
        assert credited.total.amount <= invoice.total.amount  # never below zero, to the minor unit
    rest = (invoice.draft.subtotal - credited.subtotal).amount
    if credit_the_rest and rest > 0:  # crediting all of it credits exactly the invoice
        last = credit_amounts(invoice, rest, credited, "the rest")
        credited = CreditAmounts(credited.subtotal + last.subtotal, credited.tax + last.tax)
        assert (credited.subtotal, credited.tax, credited.total) == (
            invoice.draft.subtotal,
            invoice.draft.tax,
            invoice.total,
        )


def test_many_small_notes_never_credit_more_than_the_invoice() -> None:
    invoice = paid_invoice(10, 1900)  # 10 + 2 tax (1.9 rounded): notes of 1 carry 0 tax each (0.19 rounded)
    credited = nothing_credited("EUR")
    for _ in range(9):
        note = credit_amounts(invoice, 1, credited, "one")
        assert note.tax == Money(0, "EUR")
        credited = CreditAmounts(credited.subtotal + note.subtotal, credited.tax + note.tax)
    with pytest.raises(FailedPrecondition) as too_much:  # 2 before tax would fit the total, not the subtotal
        credit_amounts(invoice, 2, credited, "two")
    assert too_much.value.metadata == {"remaining_minor": "3", "remaining_subtotal_minor": "1"}
    last = credit_amounts(invoice, 1, credited, "the last")
    assert (last.subtotal, last.tax) == (Money(1, "EUR"), Money(2, "EUR"))  # the rest of the tax


def test_an_open_invoice_and_a_missing_reason_are_refused() -> None:
    with pytest.raises(FailedPrecondition) as open_invoice:
        credit_amounts(replace(paid_invoice(1000, 0), status=INVOICE_OPEN), 100, nothing_credited("EUR"), "x")
    assert open_invoice.value.reason == "INVOICE_NOT_PAID"
    with pytest.raises(InvalidArgument) as bad:
        credit_amounts(paid_invoice(1000, 0), 0, nothing_credited("EUR"), " ")
    assert {violation.field for violation in bad.value.violations} == {"amount_minor", "reason"}


async def test_a_paid_invoice_is_credited_by_numbered_credit_notes_and_itself_never_changes(
    billing: BillingHarness,
) -> None:
    await billing.open_organization()
    await billing.use_cases.subscriptions.update_profile(OPERATOR, ORG, BillingProfile(tax_rate_basis_points=1900))
    await activate(billing)
    [invoice] = await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG)
    assert (invoice.status, invoice.total) == ("paid", Money(14280, "EUR"))
    for tenant in (principal("billing.read"), BILLING_ADMIN, OWNER):  # a customer never credits its own invoice
        with pytest.raises(PermissionDenied):
            await billing.use_cases.credit_notes.create_credit_note(tenant, ORG, invoice.id, 100, "x")

    first = await billing.use_cases.credit_notes.create_credit_note(
        OPERATOR, ORG, invoice.id, 2000, "Two seats unused", idempotency_key="cn-1"
    )
    assert (first.number, first.subtotal, first.tax, first.total) == (
        "ORG1-CN-000001",
        Money(2000, "EUR"),
        Money(380, "EUR"),
        Money(2380, "EUR"),
    )
    retry = await billing.use_cases.credit_notes.create_credit_note(
        OPERATOR, ORG, invoice.id, 2000, "Two seats unused", idempotency_key="cn-1"
    )
    assert retry == first
    with pytest.raises(FailedPrecondition) as too_much:
        await billing.use_cases.credit_notes.create_credit_note(OPERATOR, ORG, invoice.id, 10001, "Everything")
    assert (too_much.value.reason, too_much.value.metadata) == (
        "CREDIT_EXCEEDS_INVOICE",
        {"remaining_minor": "11900", "remaining_subtotal_minor": "10000"},
    )
    rest = await billing.use_cases.credit_notes.create_credit_note(OPERATOR, ORG, invoice.id, 10000, "The rest")
    assert (rest.number, rest.total) == ("ORG1-CN-000002", Money(11900, "EUR"))
    with pytest.raises(FailedPrecondition):
        await billing.use_cases.credit_notes.create_credit_note(OPERATOR, ORG, invoice.id, 1, "Below zero")

    assert [note.number for note in await billing.use_cases.records.list_credit_notes(BILLING_ADMIN, ORG)] == [
        "ORG1-CN-000002",
        "ORG1-CN-000001",
    ]
    [unchanged] = await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG)
    assert unchanged == invoice
    assert await billing.published_subjects("tenantry.billing.credit_note.") == [
        "tenantry.billing.credit_note.issued",
        "tenantry.billing.credit_note.issued",
    ]


async def test_an_open_invoice_is_not_credited(billing: BillingHarness) -> None:
    await activate(billing, PaymentMethod("invoice"))
    [invoice] = await billing.use_cases.records.list_invoices(BILLING_ADMIN, ORG)
    with pytest.raises(FailedPrecondition) as refused:
        await billing.use_cases.credit_notes.create_credit_note(OPERATOR, ORG, invoice.id, 100, "Discount")
    assert refused.value.reason == "INVOICE_NOT_PAID"
