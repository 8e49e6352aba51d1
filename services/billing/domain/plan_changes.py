"""Moving to another plan: an upgrade applies now with a prorated invoice (credit for the unused old plan)
collected at once; a cheaper plan or another interval waits for the renewal; while trialing it applies now, free.
A plan without a feature the organization uses (an enabled SSO connection) is refused (domain/feature_use.py).
A preview shows the same outcome, by the same computation, changing nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.billing.domain.catalogue import Plan
from services.billing.domain.collection import Collection
from services.billing.domain.feature_use import refuse_if_broken
from services.billing.domain.idempotent_outcomes import remember_outcome, stored_outcome
from services.billing.domain.invoiced_changes import InvoicedChange, collect_issued, replay, save_change
from services.billing.domain.invoices import Invoice, InvoiceDraft, issue_invoice, plan_change_invoice
from services.billing.domain.seat_changes import refuse_unless_charged_as_expected
from services.billing.domain.subscription import TRIALING, Subscription, change_plan
from services.billing.domain.subscription_access import SubscriptionAccess
from services.billing.domain.subscriptions import upcoming_invoice
from services.common.errors import FieldViolation, InvalidArgument, NotFound
from services.common.permissions import BILLING_MANAGE
from services.common.principal import Principal

CHANGE_PLAN = "ChangePlan"


@dataclass(frozen=True)
class PlanChangePreview:
    """What a plan change would do, made by nothing: the subscription after it, whether it applies now, the
    prorated charge now (None for a change at the renewal or in a trial), and the next renewal's invoice."""

    after: Subscription
    applies_now: bool
    charge_now: InvoiceDraft | None
    next_invoice: InvoiceDraft | None
    at: datetime


@dataclass(frozen=True)
class _Outcome:
    after: Subscription
    applies_now: bool
    charge_now: InvoiceDraft | None


def _outcome(before: Subscription, current: Plan, target: Plan, now: datetime) -> _Outcome:
    after, applies_now = change_plan(before, current, target)
    charged = applies_now and after != before and before.status != TRIALING
    return _Outcome(after, applies_now, plan_change_invoice(before, current, after, target, now) if charged else None)


class PlanChangeUseCases:
    def __init__(self, access: SubscriptionAccess, collection: Collection):
        self._access = access
        self._collection = collection

    def _target(self, plan_id: str) -> Plan:
        target = self._access.catalogue.plan(plan_id)
        if target is None:
            raise InvalidArgument("No such plan.", [FieldViolation("plan_id", "One of the catalogue's plan ids.")])
        return target

    async def change_plan(
        self,
        principal: Principal,
        organization_id: str,
        plan_id: str,
        idempotency_key: str = "",
        expected_charge_minor: int | None = None,
    ) -> InvoicedChange:
        """Another plan, now or at the renewal (see the module). A retry with the same idempotency key answers with
        the first call's invoice and changes nothing. With `expected_charge_minor` (the charge a preview showed),
        only at that charge."""
        principal.authorize(BILLING_MANAGE, organization_id)
        target = self._target(plan_id)
        now = self._access.clock.now()
        invoice: Invoice | None = None
        async with self._access.store.write() as tx:
            before = await self._access.locked(tx, organization_id)
            stored = await stored_outcome(tx, organization_id, CHANGE_PLAN, idempotency_key)
            if stored is not None:
                return await replay(tx, before, stored)
            refuse_if_broken(target, await tx.feature_uses(organization_id))
            outcome = _outcome(before, self._access.plan_of(before), target, now)
            refuse_unless_charged_as_expected(outcome.charge_now, expected_charge_minor)
            after = outcome.after
            if outcome.charge_now is not None:
                invoice, after = issue_invoice(after, outcome.charge_now, now)
            await remember_outcome(tx, organization_id, CHANGE_PLAN, idempotency_key, invoice)
            if after == before:
                return InvoicedChange(before, None, None)
            change = "plan_changed" if outcome.applies_now else "plan_change_scheduled"
            after = await save_change(tx, principal, now, change, before, after, invoice)
        return await collect_issued(self._access.store, self._collection, principal, after, invoice)

    async def preview_plan_change(self, principal: Principal, organization_id: str, plan_id: str) -> PlanChangePreview:
        """The outcome `change_plan` would have now, by the same rules (and the same refusals), changing nothing."""
        principal.authorize(BILLING_MANAGE, organization_id)
        target = self._target(plan_id)
        now = self._access.clock.now()
        async with self._access.store.read() as tx:
            before = await tx.get_subscription(organization_id)
            if before is None:
                raise NotFound("No subscription for this organization.")
            refuse_if_broken(target, await tx.feature_uses(organization_id))
            usage = await self._access.seat_usage(tx, before)
        outcome = _outcome(before, self._access.plan_of(before), target, now)
        plan_after = self._access.plan_of(outcome.after)
        next_invoice = upcoming_invoice(self._access, outcome.after, plan_after, usage.in_use)
        return PlanChangePreview(outcome.after, outcome.applies_now, outcome.charge_now, next_invoice, now)
