"""Payments recorded by hand: an open invoice paid by bank transfer, marked paid by a platform operator (a tenant
cannot mark its own invoices paid); the subscription is back in good standing once nothing is open."""

from __future__ import annotations

from dataclasses import dataclass

from services.billing.domain.authorization import require_operator_on_invoice
from services.billing.domain.collection import apply_payment
from services.billing.domain.idempotent_outcomes import remember_record, stored_record
from services.billing.domain.invoices import INVOICE_OPEN
from services.billing.domain.payments import METHOD_INVOICE, PAYMENT_SUCCEEDED, Payment
from services.billing.domain.subscription import Subscription
from services.billing.domain.subscription_access import SubscriptionAccess
from services.common.errors import FailedPrecondition, NotFound, Violations
from services.common.ids import new_id
from services.common.principal import Principal

RECORD_PAYMENT = "RecordPayment"
# More payments than any invoice has (each failed collection is one): where a retry finds the first call's.
MAX_PAYMENTS_PER_INVOICE = 100


@dataclass(frozen=True)
class RecordedPayment:
    payment: Payment
    subscription: Subscription


class PaymentRecordingUseCases:
    def __init__(self, access: SubscriptionAccess):
        self._access = access

    async def record_payment(
        self,
        principal: Principal,
        organization_id: str,
        invoice_id: str,
        reference: str,
        idempotency_key: str = "",
    ) -> RecordedPayment:
        """The transfer's reference is required; a retry with the same idempotency key returns the first payment."""
        store = self._access.store
        await require_operator_on_invoice(store, principal, organization_id, invoice_id)
        reference = reference.strip()
        violations = Violations()
        if not reference or len(reference) > 128:
            violations.add("reference", "The bank's reference of the transfer, at most 128 characters.")
        violations.raise_if_any()
        now = self._access.clock.now()
        async with store.write() as tx:
            before = await self._access.locked(tx, organization_id)
            stored = await stored_record(tx, organization_id, RECORD_PAYMENT, idempotency_key)
            if stored is not None:
                stored_invoice_id, stored_payment_id = stored
                recorded = await tx.list_payments(organization_id, MAX_PAYMENTS_PER_INVOICE, stored_invoice_id)
                first = next(payment for payment in recorded if payment.id == stored_payment_id)
                return RecordedPayment(first, before)
            invoice = await tx.get_invoice(organization_id, invoice_id[:36])
            if invoice is None:
                raise NotFound("No such invoice.")
            if invoice.status != INVOICE_OPEN:
                raise FailedPrecondition("The invoice is not open.", reason="INVOICE_NOT_OPEN")
            payment = Payment(
                new_id(), organization_id, invoice.id, invoice.total, PAYMENT_SUCCEEDED, METHOD_INVOICE,
                reference, "", now,
            )  # fmt: skip
            after = await apply_payment(tx, before, invoice, payment, "recorded", principal, now)
            await remember_record(tx, organization_id, RECORD_PAYMENT, idempotency_key, invoice.id, payment.id)
        return RecordedPayment(payment, after)
