"""The invoice mail worker: sends the queued invoice mails outside any consumer's transaction, when the queue wakes
it and every few seconds (a mail queued by a transaction that had not committed yet when it was woken)."""

from __future__ import annotations

from services.billing.domain.invoice_mail import InvoiceMailing
from services.billing.workers.periodic import PeriodicWorker


def invoice_mail_worker(mailing: InvoiceMailing, interval_seconds: float) -> PeriodicWorker:
    async def send_all() -> int:
        sent = total = await mailing.send_pending()
        while sent:  # a batch sent in full may have more behind it
            sent = await mailing.send_pending()
            total += sent
        return total

    return PeriodicWorker("billing-invoice-mail", send_all, interval_seconds)
