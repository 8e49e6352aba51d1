"""The queries of billing's records: invoices with their lines, payments and credit notes, each listed newest first
from where a previous page stopped. Mixed into the billing transaction (store/sql.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Select, and_, insert, or_, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from services.billing.domain.credit_notes import CreditNote
from services.billing.domain.invoices import INVOICE_OPEN, Invoice, InvoiceDraft, InvoiceLine
from services.billing.domain.money import Money
from services.billing.domain.payments import Payment
from services.billing.domain.ports import ListPosition
from services.billing.domain.subscription import BillingProfile
from services.billing.store.tables import credit_notes, invoice_lines, invoices, payments


def newest_first(
    query: Select[Any], moment: Column[datetime], key: Column[str], limit: int, after: ListPosition | None
) -> Select[Any]:
    """Rows newest first (ties by key, descending), starting after a position a previous page ended on."""
    if after is not None:
        query = query.where(or_(moment < after.moment, and_(moment == after.moment, key < after.key)))
    return query.order_by(moment.desc(), key.desc()).limit(limit)


class BillingRecordQueries:
    connection: AsyncConnection

    async def insert_invoice(self, invoice: Invoice) -> None:
        draft = invoice.draft
        await self.connection.execute(
            insert(invoices).values(
                id=invoice.id,
                organization_id=draft.organization_id,
                number=invoice.number,
                status=invoice.status,
                reason=draft.reason,
                currency=draft.currency,
                subtotal=draft.subtotal.amount,
                tax=draft.tax.amount,
                total=draft.total.amount,
                tax_rate_basis_points=draft.tax_rate_basis_points,
                period_start=draft.period_start,
                period_end=draft.period_end,
                profile=json.dumps(asdict(draft.profile), sort_keys=True),
                issued_at=invoice.issued_at,
                paid_at=invoice.paid_at,
            )
        )
        await self.connection.execute(
            insert(invoice_lines),
            [
                {
                    "invoice_id": invoice.id,
                    "position": position,
                    "description": line.description,
                    "quantity": line.quantity,
                    "unit_amount": line.unit_amount.amount,
                    "amount": line.amount.amount,
                    "period_start": line.period_start,
                    "period_end": line.period_end,
                }
                for position, line in enumerate(draft.lines)
            ],
        )

    async def mark_invoice_paid(self, invoice_id: str, paid_at: datetime) -> None:
        await self.connection.execute(
            update(invoices).where(invoices.c.id == invoice_id).values(status="paid", paid_at=paid_at)
        )

    async def list_invoices(
        self, organization_id: str, limit: int, status: str | None = None, after: ListPosition | None = None
    ) -> list[Invoice]:
        query = select(invoices).where(invoices.c.organization_id == organization_id)
        if status is not None:
            query = query.where(invoices.c.status == status)
        rows = (
            await self.connection.execute(newest_first(query, invoices.c.issued_at, invoices.c.number, limit, after))
        ).all()
        return await self._with_lines(rows)

    async def get_invoice(self, organization_id: str, invoice_id: str) -> Invoice | None:
        rows = (
            await self.connection.execute(
                select(invoices).where(invoices.c.organization_id == organization_id, invoices.c.id == invoice_id)
            )
        ).all()
        found = await self._with_lines(rows)
        return found[0] if found else None

    async def open_invoices(self, organization_id: str) -> list[Invoice]:
        """Unpaid invoices, oldest first (the order they are collected in)."""
        return list(reversed(await self.list_invoices(organization_id, 1000, INVOICE_OPEN)))

    async def _with_lines(self, rows: Sequence[Row[Any]]) -> list[Invoice]:
        if not rows:
            return []
        line_rows = (
            await self.connection.execute(
                select(invoice_lines)
                .where(invoice_lines.c.invoice_id.in_([row.id for row in rows]))
                .order_by(invoice_lines.c.invoice_id, invoice_lines.c.position)
            )
        ).all()
        lines: dict[str, list[InvoiceLine]] = {}
        for line in line_rows:
            currency = next(row.currency for row in rows if row.id == line.invoice_id)
            lines.setdefault(line.invoice_id, []).append(
                InvoiceLine(
                    description=line.description,
                    quantity=line.quantity,
                    unit_amount=Money(line.unit_amount, currency),
                    amount=Money(line.amount, currency),
                    period_start=line.period_start,
                    period_end=line.period_end,
                )
            )
        return [invoice_of(row, tuple(lines.get(row.id, []))) for row in rows]

    async def insert_credit_note(self, note: CreditNote) -> None:
        await self.connection.execute(
            insert(credit_notes).values(
                id=note.id,
                organization_id=note.organization_id,
                invoice_id=note.invoice_id,
                number=note.number,
                reason=note.reason,
                currency=note.subtotal.currency,
                subtotal=note.subtotal.amount,
                tax=note.tax.amount,
                total=note.total.amount,
                tax_rate_basis_points=note.tax_rate_basis_points,
                issued_at=note.issued_at,
            )
        )

    async def list_credit_notes(
        self, organization_id: str, limit: int, invoice_id: str | None = None, after: ListPosition | None = None
    ) -> list[CreditNote]:
        """Credit notes newest first; only those of one invoice when it is named."""
        query = (
            select(credit_notes, invoices.c.number.label("invoice_number"))
            .join(invoices, invoices.c.id == credit_notes.c.invoice_id)
            .where(credit_notes.c.organization_id == organization_id)
        )
        if invoice_id is not None:
            query = query.where(credit_notes.c.invoice_id == invoice_id)
        rows = await self.connection.execute(
            newest_first(query, credit_notes.c.issued_at, credit_notes.c.number, limit, after)
        )
        return [
            CreditNote(
                id=row.id,
                organization_id=row.organization_id,
                invoice_id=row.invoice_id,
                invoice_number=row.invoice_number,
                number=row.number,
                reason=row.reason,
                subtotal=Money(row.subtotal, row.currency),
                tax=Money(row.tax, row.currency),
                tax_rate_basis_points=row.tax_rate_basis_points,
                issued_at=row.issued_at,
            )
            for row in rows
        ]

    async def insert_payment(self, payment: Payment) -> None:
        await self.connection.execute(
            insert(payments).values(
                id=payment.id,
                organization_id=payment.organization_id,
                invoice_id=payment.invoice_id,
                amount=payment.amount.amount,
                currency=payment.amount.currency,
                status=payment.status,
                method=payment.method,
                reference=payment.reference,
                failure_reason=payment.failure_reason,
                attempted_at=payment.attempted_at,
            )
        )

    async def list_payments(
        self, organization_id: str, limit: int, invoice_id: str | None = None, after: ListPosition | None = None
    ) -> list[Payment]:
        """Payments newest first; only those of one invoice when it is named."""
        query = select(payments).where(payments.c.organization_id == organization_id)
        if invoice_id is not None:
            query = query.where(payments.c.invoice_id == invoice_id)
        rows = await self.connection.execute(newest_first(query, payments.c.attempted_at, payments.c.id, limit, after))
        return [
            Payment(
                id=row.id,
                organization_id=row.organization_id,
                invoice_id=row.invoice_id,
                amount=Money(row.amount, row.currency),
                status=row.status,
                method=row.method,
                reference=row.reference,
                failure_reason=row.failure_reason,
                attempted_at=row.attempted_at,
            )
            for row in rows
        ]


def invoice_of(row: Row[Any], lines: tuple[InvoiceLine, ...]) -> Invoice:
    return Invoice(
        id=row.id,
        number=row.number,
        status=row.status,
        issued_at=row.issued_at,
        paid_at=row.paid_at,
        draft=InvoiceDraft(
            organization_id=row.organization_id,
            reason=row.reason,
            currency=row.currency,
            lines=lines,
            tax_rate_basis_points=row.tax_rate_basis_points,
            profile=BillingProfile(**json.loads(row.profile)),
            period_start=row.period_start,
            period_end=row.period_end,
        ),
    )
