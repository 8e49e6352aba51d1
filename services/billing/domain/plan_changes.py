"""Moving to another plan: an upgrade applies now with a prorated invoice (credit for the unused old plan)
collected at once; a cheaper plan or another interval waits for the renewal; while trialing it applies now, free.
A plan without a feature the organization uses (an enabled SSO connection) is refused (domain/feature_use.py)."""

from __future__ import annotations

from services.billing.domain.collection import Collection
from services.billing.domain.feature_use import refuse_if_broken
from services.billing.domain.idempotent_outcomes import remember_outcome, stored_outcome
from services.billing.domain.invoiced_changes import InvoicedChange, collect_issued, replay, save_change
from services.billing.domain.invoices import Invoice, issue_invoice, plan_change_invoice
from services.billing.domain.subscription import TRIALING, change_plan
from services.billing.domain.subscription_access import SubscriptionAccess
from services.common.errors import FieldViolation, InvalidArgument
from services.common.permissions import BILLING_MANAGE
from services.common.principal import Principal

CHANGE_PLAN = "ChangePlan"


class PlanChangeUseCases:
    def __init__(self, access: SubscriptionAccess, collection: Collection):
        self._access = access
        self._collection = collection

    async def change_plan(
        self,
        principal: Principal,
        organization_id: str,
        plan_id: str,
        idempotency_key: str = "",
    ) -> InvoicedChange:
        """Another plan, now or at the renewal (see the module). A retry with the same idempotency key answers with
        the first call's invoice and changes nothing."""
        principal.authorize(BILLING_MANAGE, organization_id)
        target = self._access.catalogue.plan(plan_id)
        if target is None:
            raise InvalidArgument("No such plan.", [FieldViolation("plan_id", "One of the catalogue's plan ids.")])
        now = self._access.clock.now()
        invoice: Invoice | None = None
        async with self._access.store.write() as tx:
            before = await self._access.locked(tx, organization_id)
            stored = await stored_outcome(tx, organization_id, CHANGE_PLAN, idempotency_key)
            if stored is not None:
                return await replay(tx, before, stored)
            current = self._access.plan_of(before)
            refuse_if_broken(target, await tx.feature_uses(organization_id))
            after, applies_now = change_plan(before, current, target)
            if applies_now and after != before and before.status != TRIALING:
                draft = plan_change_invoice(before, current, after, target, now)
                invoice, after = issue_invoice(after, draft, now)
            await remember_outcome(tx, organization_id, CHANGE_PLAN, idempotency_key, invoice)
            if after == before:
                return InvoicedChange(before, None, None)
            change = "plan_changed" if applies_now else "plan_change_scheduled"
            after = await save_change(tx, principal, now, change, before, after, invoice)
        return await collect_issued(self._access.store, self._collection, principal, after, invoice)
