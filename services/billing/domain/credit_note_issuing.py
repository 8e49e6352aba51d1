"""Issuing credit notes: part or all of a paid invoice credited (the invoice itself never changes), by a platform
operator only (a tenant cannot credit its own invoices); the credit notes of an invoice never total more than it."""

from __future__ import annotations

from dataclasses import replace

from services.billing.domain.authorization import require_operator_on_invoice
from services.billing.domain.credit_notes import CreditAmounts, CreditNote, credit_amounts, credit_note_number
from services.billing.domain.events import CreditNoteIssued
from services.billing.domain.idempotent_outcomes import remember_record, stored_record
from services.billing.domain.money import Money
from services.billing.domain.subscription_access import SubscriptionAccess
from services.common.errors import FailedPrecondition, NotFound
from services.common.ids import new_id
from services.common.principal import Principal

CREATE_CREDIT_NOTE = "CreateCreditNote"
MAX_CREDIT_NOTES_PER_INVOICE = 100


class CreditNoteUseCases:
    def __init__(self, access: SubscriptionAccess):
        self._access = access

    async def create_credit_note(
        self,
        principal: Principal,
        organization_id: str,
        invoice_id: str,
        amount_minor: int,
        reason: str,
        idempotency_key: str = "",
    ) -> CreditNote:
        """An amount before tax, taxed at the invoice's rate; a retry with the same idempotency key returns the
        first credit note."""
        store = self._access.store
        await require_operator_on_invoice(store, principal, organization_id, invoice_id)
        now = self._access.clock.now()
        async with store.write() as tx:
            before = await self._access.locked(tx, organization_id)
            stored = await stored_record(tx, organization_id, CREATE_CREDIT_NOTE, idempotency_key)
            if stored is not None:
                stored_invoice_id, stored_note_id = stored
                notes = await tx.list_credit_notes(organization_id, MAX_CREDIT_NOTES_PER_INVOICE, stored_invoice_id)
                return next(note for note in notes if note.id == stored_note_id)
            invoice = await tx.get_invoice(organization_id, invoice_id[:36])
            if invoice is None:
                raise NotFound("No such invoice.")
            earlier = await tx.list_credit_notes(organization_id, MAX_CREDIT_NOTES_PER_INVOICE, invoice.id)
            if len(earlier) >= MAX_CREDIT_NOTES_PER_INVOICE:
                raise FailedPrecondition("This invoice has too many credit notes.", reason="TOO_MANY_CREDIT_NOTES")
            credited = CreditAmounts(Money.zero(invoice.draft.currency), Money.zero(invoice.draft.currency))
            for note in earlier:
                credited = CreditAmounts(credited.subtotal + note.subtotal, credited.tax + note.tax)
            amounts = credit_amounts(invoice, amount_minor, credited, reason)
            sequence = before.credit_notes_issued + 1
            note = CreditNote(
                new_id(), organization_id, invoice.id, invoice.number, credit_note_number(organization_id, sequence),
                reason.strip(), amounts.subtotal, amounts.tax, invoice.draft.tax_rate_basis_points, now,
            )  # fmt: skip
            await tx.save_subscription(replace(before, credit_notes_issued=sequence, version=before.version + 1), now)
            await tx.insert_credit_note(note)
            await tx.record_events(CreditNoteIssued(principal, now, note))
            await remember_record(tx, organization_id, CREATE_CREDIT_NOTE, idempotency_key, invoice.id, note.id)
        return note
