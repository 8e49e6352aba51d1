"""Credit notes, pure: the only correction of an invoice, which stays as it was issued. A credit note credits
part or all of a paid invoice, with its own gapless numbers per organization (ORG8-CN-000001); its tax is
computed at the invoice's rate by rule 4 (money.py). The credit notes of an invoice never credit more subtotal than
the invoice's subtotal nor more tax than its tax (rounding per note could otherwise carry too little tax on many
small notes and let the last one overshoot the subtotal): a note's tax is capped at the tax not yet credited, and
the note that credits the rest of the subtotal takes exactly the rest of the tax. So no invoice is ever worth
less than zero, and crediting all of it credits exactly its subtotal, tax and total."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.billing.domain.invoices import INVOICE_PAID, Invoice
from services.billing.domain.money import Money, tax_on
from services.common.errors import FailedPrecondition, Violations

MAX_REASON_LENGTH = 500


@dataclass(frozen=True)
class CreditNote:
    id: str
    organization_id: str
    invoice_id: str
    invoice_number: str
    number: str
    reason: str
    subtotal: Money
    tax: Money
    tax_rate_basis_points: int
    issued_at: datetime

    @property
    def total(self) -> Money:
        return self.subtotal + self.tax


@dataclass(frozen=True)
class CreditAmounts:
    subtotal: Money
    tax: Money

    @property
    def total(self) -> Money:
        return self.subtotal + self.tax


def credit_amounts(invoice: Invoice, amount_minor: int, already_credited: CreditAmounts, reason: str) -> CreditAmounts:
    """What a credit note of `amount_minor` (before tax) on the invoice comes to, or why it cannot be issued;
    `already_credited` sums the subtotals and taxes of the invoice's earlier credit notes."""
    violations = Violations()
    if amount_minor <= 0:
        violations.add("amount_minor", "A positive amount in minor units, before tax.")
    if not reason.strip() or len(reason.strip()) > MAX_REASON_LENGTH:
        violations.add("reason", f"Why the invoice is credited, 1 to {MAX_REASON_LENGTH} characters.")
    violations.raise_if_any()
    if invoice.status != INVOICE_PAID:
        raise FailedPrecondition(
            "Only a paid invoice can be credited; an open one is still to be collected.", reason="INVOICE_NOT_PAID"
        )
    subtotal = Money(amount_minor, invoice.draft.currency)
    remaining_subtotal = max((invoice.draft.subtotal - already_credited.subtotal).amount, 0)
    remaining_tax = max((invoice.draft.tax - already_credited.tax).amount, 0)
    if amount_minor > remaining_subtotal:
        raise FailedPrecondition(
            f"The credit notes of invoice {invoice.number} would credit more than the invoice; "
            f"at most {remaining_subtotal} minor units before tax remain.",
            reason="CREDIT_EXCEEDS_INVOICE",
            metadata={
                "remaining_minor": str(remaining_subtotal + remaining_tax),
                "remaining_subtotal_minor": str(remaining_subtotal),
            },
        )
    if amount_minor == remaining_subtotal:
        tax = remaining_tax  # the note that credits the rest of the subtotal credits the rest of the tax
    else:
        tax = min(tax_on(subtotal, invoice.draft.tax_rate_basis_points).amount, remaining_tax)
    return CreditAmounts(subtotal, Money(tax, invoice.draft.currency))


def credit_note_number(organization_id: str, sequence: int) -> str:
    """Credit note numbers run without gaps per organization, apart from invoice numbers: ORG8-CN-000007."""
    return f"{organization_id.replace('-', '')[:8].upper()}-CN-{sequence:06d}"
