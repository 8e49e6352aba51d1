"""SQL of an organization's deletion in billing: what the law requires for invoices stays (the invoices with their
lines and the billing profile snapshot they carry, credit notes, payments); the rest of the organization goes
(subscription with its billing profile and payment method reference, seat holders, entitlements, idempotency keys).
Mixed into the billing transaction (store/sql.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from services.billing.store.tables import credit_notes, invoices, metadata, payments
from services.common.erasure import erase_organization

# Kept for the legal retention of invoicing records (invoice_lines have no organization column: kept with them).
KEPT_TABLES = frozenset({invoices.name, credit_notes.name, payments.name})


class OrganizationDeletionQueries:
    connection: AsyncConnection

    async def erase_organization(self, organization_id: str) -> dict[str, int]:
        """Delete billing's data of the organization except its invoicing records; returns rows per table."""
        return await erase_organization(self.connection, [metadata], organization_id, keep=KEPT_TABLES)
