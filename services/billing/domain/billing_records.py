"""Reading an organization's billing records: its invoices, payments and credit notes, newest first, a page at a
time (each page starts after the position where the previous one stopped, so rows added meanwhile never shift it)."""

from __future__ import annotations

from services.billing.domain.credit_notes import CreditNote
from services.billing.domain.invoices import INVOICE_STATUSES, Invoice
from services.billing.domain.payments import Payment
from services.billing.domain.ports import BillingStore, ListPosition
from services.common.errors import FieldViolation, InvalidArgument, NotFound
from services.common.pagination import DEFAULT_PAGE_SIZE, page_size
from services.common.permissions import BILLING_READ
from services.common.principal import Principal


def invoice_position(invoice: Invoice) -> ListPosition:
    return ListPosition(invoice.issued_at, invoice.number)


def payment_position(payment: Payment) -> ListPosition:
    return ListPosition(payment.attempted_at, payment.id)


def credit_note_position(note: CreditNote) -> ListPosition:
    return ListPosition(note.issued_at, note.number)


def rows_to_fetch(requested_page_size: int) -> int:
    """A page's rows (the one page-size rule, services.common.pagination.page_size), plus the one more a caller
    fetches to know whether another page follows."""
    return page_size(requested_page_size) + 1


class BillingRecordUseCases:
    def __init__(self, store: BillingStore):
        self._store = store

    async def list_invoices(
        self,
        principal: Principal,
        organization_id: str,
        page_size_requested: int = DEFAULT_PAGE_SIZE,
        status: str | None = None,
        after: ListPosition | None = None,
    ) -> list[Invoice]:
        principal.authorize(BILLING_READ, organization_id)
        if status is not None and status not in INVOICE_STATUSES:
            raise InvalidArgument(
                f"Unknown invoice status {status!r}.", [FieldViolation("filter", f"status one of {INVOICE_STATUSES}")]
            )
        async with self._store.read() as tx:
            return await tx.list_invoices(organization_id, rows_to_fetch(page_size_requested), status, after)

    async def get_invoice(self, principal: Principal, organization_id: str, invoice_id: str) -> Invoice:
        principal.authorize(BILLING_READ, organization_id)
        async with self._store.read() as tx:
            invoice = await tx.get_invoice(organization_id, invoice_id[:36])
        if invoice is None:
            raise NotFound("No such invoice.")
        return invoice

    async def list_payments(
        self,
        principal: Principal,
        organization_id: str,
        page_size_requested: int = DEFAULT_PAGE_SIZE,
        after: ListPosition | None = None,
    ) -> list[Payment]:
        principal.authorize(BILLING_READ, organization_id)
        async with self._store.read() as tx:
            return await tx.list_payments(organization_id, rows_to_fetch(page_size_requested), None, after)

    async def list_credit_notes(
        self,
        principal: Principal,
        organization_id: str,
        page_size_requested: int = DEFAULT_PAGE_SIZE,
        after: ListPosition | None = None,
    ) -> list[CreditNote]:
        principal.authorize(BILLING_READ, organization_id)
        async with self._store.read() as tx:
            return await tx.list_credit_notes(organization_id, rows_to_fetch(page_size_requested), None, after)
