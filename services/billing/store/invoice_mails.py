"""The invoice mails still to send: queued in the transaction that consumes invoice.issued, sent after that
transaction commits by the invoice mail worker, which claims each for a while (so two replicas never send the same
at once) and marks it sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.billing.domain.ports import PendingMail
from services.billing.store.tables import invoice_mails


def _due(now: datetime, max_attempts: int) -> tuple[ColumnElement[bool], ...]:
    """Unsent, not given up on, and held by no sender (or by one whose hold has lapsed)."""
    return (
        invoice_mails.c.sent_at.is_(None),
        invoice_mails.c.attempts < max_attempts,
        invoice_mails.c.claimed_until.is_(None) | (invoice_mails.c.claimed_until <= now),
    )


class InvoiceMailQueries:
    connection: AsyncConnection

    async def queue_invoice_mail(self, organization_id: str, invoice_id: str, now: datetime) -> None:
        """Queue the invoice's mail once: queuing it again (a redelivered event) changes nothing."""
        known = await self.connection.scalar(
            select(invoice_mails.c.invoice_id).where(invoice_mails.c.invoice_id == invoice_id)
        )
        if known is None:
            await self.connection.execute(
                insert(invoice_mails).values(
                    invoice_id=invoice_id, organization_id=organization_id, queued_at=now, attempts=0
                )
            )

    async def invoice_mails_due(self, now: datetime, max_attempts: int) -> bool:
        """Whether any mail waits for a sender (checked before claiming, so an idle pass takes no write lock)."""
        due = await self.connection.scalar(select(invoice_mails.c.invoice_id).where(*_due(now, max_attempts)).limit(1))
        return due is not None

    async def claim_invoice_mails(
        self, now: datetime, lease_until: datetime, limit: int, max_attempts: int
    ) -> list[PendingMail]:
        """Unsent mails no sender holds (or whose hold has lapsed), oldest first, now held until `lease_until`.
        Rows another transaction holds locked are skipped (PostgreSQL); SQLite writers exclude each other."""
        rows = (
            await self.connection.execute(
                select(invoice_mails.c.invoice_id, invoice_mails.c.organization_id, invoice_mails.c.attempts)
                .where(*_due(now, max_attempts))
                .order_by(invoice_mails.c.queued_at, invoice_mails.c.invoice_id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
        if not rows:
            return []
        await self.connection.execute(
            update(invoice_mails)
            .where(invoice_mails.c.invoice_id.in_([row.invoice_id for row in rows]))
            .values(claimed_until=lease_until, attempts=invoice_mails.c.attempts + 1)
        )
        return [PendingMail(row.organization_id, row.invoice_id, row.attempts + 1) for row in rows]

    async def mark_invoice_mail_sent(self, invoice_id: str, now: datetime) -> None:
        await self.connection.execute(
            update(invoice_mails)
            .where(invoice_mails.c.invoice_id == invoice_id)
            .values(sent_at=now, claimed_until=None)
        )
