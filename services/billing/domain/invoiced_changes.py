"""What seat purchases and plan changes share: a change that may issue an invoice, written under the
subscription's lock, collected after commit, and answered again (not repeated) on a retry with the same
idempotency key."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from services.billing.domain.collection import Collection
from services.billing.domain.events import InvoiceIssued, SubscriptionChanged
from services.billing.domain.invoices import Invoice
from services.billing.domain.payments import Payment
from services.billing.domain.ports import BillingStore, BillingTransaction
from services.billing.domain.subscription import Subscription
from services.common.principal import Principal


@dataclass(frozen=True)
class InvoicedChange:
    subscription: Subscription
    invoice: Invoice | None
    payment: Payment | None


async def replay(tx: BillingTransaction, subscription: Subscription, invoice_id: str) -> InvoicedChange:
    """The answer to a retried call: the subscription now, the first call's invoice and its last collection."""
    if not invoice_id:
        return InvoicedChange(subscription, None, None)
    invoice = await tx.get_invoice(subscription.organization_id, invoice_id)
    attempts = await tx.list_payments(subscription.organization_id, 1, invoice_id)
    return InvoicedChange(subscription, invoice, attempts[0] if attempts else None)


async def save_change(
    tx: BillingTransaction,
    principal: Principal,
    now: datetime,
    change: str,
    before: Subscription,
    after: Subscription,
    invoice: Invoice | None,
) -> Subscription:
    """Write the changed subscription (a version up) with its event, and the invoice it issued, if any."""
    after = replace(after, version=before.version + 1)
    await tx.save_subscription(after, now)
    await tx.record_events(SubscriptionChanged(principal, now, change, after, before))
    if invoice is not None:
        await tx.insert_invoice(invoice)
        await tx.record_events(InvoiceIssued(principal, now, invoice))
    return after


async def collect_issued(
    store: BillingStore,
    collection: Collection,
    principal: Principal,
    after: Subscription,
    invoice: Invoice | None,
) -> InvoicedChange:
    """After commit: collect the invoice the change issued (if any) and answer with everything as it is then."""
    if invoice is None:
        return InvoicedChange(after, None, None)
    organization_id = after.organization_id
    payment = await collection.collect(organization_id, principal)
    async with store.read() as tx:
        after = await tx.get_subscription(organization_id) or after
        invoice = await tx.get_invoice(organization_id, invoice.id) or invoice
    return InvoicedChange(after, invoice, payment)
