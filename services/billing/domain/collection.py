"""Collecting open invoices through the payment processor, and writing a payment's outcome.

Collection runs outside any database transaction (a processor may be slow); its outcome is written in a
second transaction under the subscription's lock, so a retry never pays an invoice twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from services.billing.domain.events import PaymentAttempted, SubscriptionChanged
from services.billing.domain.invoices import INVOICE_OPEN, Invoice
from services.billing.domain.payments import (
    METHOD_NONE,
    PAYMENT_FAILED,
    PAYMENT_PENDING,
    PAYMENT_SUCCEEDED,
    ChargeResult,
    Payment,
    PaymentMethod,
)
from services.billing.domain.ports import BillingTransaction, PaymentProcessor
from services.billing.domain.subscription import Subscription, payment_failed, payment_succeeded
from services.billing.domain.subscription_access import SubscriptionAccess
from services.common.ids import new_id
from services.common.principal import Principal

# Invoices paid by bank transfer are due this long after they are issued; unpaid then, dunning starts.
PAYMENT_TERMS = timedelta(days=14)


class Collection:
    def __init__(self, access: SubscriptionAccess, processor: PaymentProcessor):
        self._access = access
        self._processor = processor

    async def collect(self, organization_id: str, actor: Principal) -> Payment | None:
        """Charge the open invoices, oldest first, until one fails; returns the last attempt (None if none)."""
        store, clock = self._access.store, self._access.clock
        last: Payment | None = None
        async with store.read() as tx:
            subscription = await tx.get_subscription(organization_id)
            open_invoices = await tx.open_invoices(organization_id)
        if subscription is None:
            return None
        if not open_invoices and subscription.next_payment_attempt_at is not None:
            await self._check_again_at(organization_id, None)  # nothing left to collect
        for invoice in open_invoices:
            result = await self._charge(subscription.payment_method, invoice)
            now = clock.now()
            if result.status == PAYMENT_PENDING:
                due = invoice.issued_at + PAYMENT_TERMS
                if now < due:
                    await self._check_again_at(organization_id, due)
                    return last
                result = ChargeResult(
                    PAYMENT_FAILED, failure_reason=f"Not paid within {PAYMENT_TERMS.days} days of the invoice."
                )
            payment = Payment(
                new_id(), organization_id, invoice.id, invoice.total, result.status,
                subscription.payment_method.display, result.reference,
                result.failure_reason, now,
            )  # fmt: skip
            async with store.write() as tx:
                before = await self._access.locked(tx, organization_id)
                current = await tx.get_invoice(organization_id, invoice.id)
                if current is None or current.status != INVOICE_OPEN:
                    continue  # paid meanwhile (recorded by hand, or another replica's retry)
                outcome = "succeeded" if result.status == PAYMENT_SUCCEEDED else "failed"
                subscription = await apply_payment(tx, before, invoice, payment, outcome, actor, now)
            last = payment
            if result.status == PAYMENT_FAILED:
                break
        return last

    async def _check_again_at(self, organization_id: str, moment: datetime | None) -> None:
        """Have the renewal worker look at this organization again then (an invoice paid by transfer falls due),
        or no more (None: nothing is left to collect)."""
        async with self._access.store.write() as tx:
            subscription = await self._access.locked(tx, organization_id)
            current = subscription.next_payment_attempt_at
            if moment is None or current is None or current > moment:
                await tx.save_subscription(
                    replace(subscription, next_payment_attempt_at=moment), self._access.clock.now()
                )

    async def _charge(self, method: PaymentMethod, invoice: Invoice) -> ChargeResult:
        if invoice.total.amount == 0:
            return ChargeResult(PAYMENT_SUCCEEDED, "nothing to collect")
        if method.kind == METHOD_NONE:
            return ChargeResult(PAYMENT_FAILED, failure_reason="No payment method on file.")
        return await self._processor.charge(method, invoice.total, invoice.number)


async def apply_payment(
    tx: BillingTransaction,
    before: Subscription,
    invoice: Invoice,
    payment: Payment,
    outcome: str,
    actor: Principal,
    now: datetime,
) -> Subscription:
    """Store a payment of an invoice of the locked subscription: a success pays the invoice (and brings the
    subscription back once nothing is open), a failure moves dunning on."""
    await tx.insert_payment(payment)
    if payment.status == PAYMENT_SUCCEEDED:
        await tx.mark_invoice_paid(invoice.id, now)
        still_open = [other for other in await tx.open_invoices(before.organization_id) if other.id != invoice.id]
        after = before if still_open else payment_succeeded(before)
    else:
        after = payment_failed(before, now)
    after = replace(after, version=before.version + 1)
    await tx.save_subscription(after, now)
    await tx.record_events(PaymentAttempted(actor, now, outcome, payment, after.failed_payment_attempts))
    if after.status != before.status:
        change = "reactivated" if payment.status == PAYMENT_SUCCEEDED else after.status
        await tx.record_events(SubscriptionChanged(actor, now, change, after, before))
    return after
