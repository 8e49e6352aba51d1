"""What a call with an idempotency key leaves for its retries: the ids of what it created, kept per organization
and operation in the same transaction, so a retry answers with them instead of doing the work again."""

from __future__ import annotations

from services.billing.domain.invoices import Invoice
from services.billing.domain.ports import BillingTransaction


async def stored_outcome(
    tx: BillingTransaction, organization_id: str, operation: str, idempotency_key: str
) -> str | None:
    """What the first call with this idempotency key left (an invoice id, or "" for none), if there was one."""
    if not idempotency_key:
        return None
    stored = await tx.load_idempotent(organization_id, operation, idempotency_key)
    return stored.decode() if stored is not None else None


async def remember_outcome(
    tx: BillingTransaction, organization_id: str, operation: str, idempotency_key: str, invoice: Invoice | None
) -> None:
    if idempotency_key:
        await tx.save_idempotent(organization_id, operation, idempotency_key, (invoice.id if invoice else "").encode())


async def stored_record(
    tx: BillingTransaction, organization_id: str, operation: str, idempotency_key: str
) -> tuple[str, str] | None:
    """The invoice and the record (payment, credit note) the first call with this key created, if there was one."""
    stored = await stored_outcome(tx, organization_id, operation, idempotency_key)
    if stored is None:
        return None
    invoice_id, record_id = stored.split(" ")
    return invoice_id, record_id


async def remember_record(
    tx: BillingTransaction, organization_id: str, operation: str, idempotency_key: str, invoice_id: str, record_id: str
) -> None:
    if idempotency_key:
        await tx.save_idempotent(organization_id, operation, idempotency_key, f"{invoice_id} {record_id}".encode())
