"""Renewals and collection retries, driven by the renewal worker with the injected clock: every subscription whose
period has ended is renewed (missed periods caught up) and invoiced, or ends when it was canceled at period end;
open invoices are then collected when a retry is due (dunning)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from services.billing.domain.collection import Collection
from services.billing.domain.events import InvoiceIssued, OrganizationDeletionScheduled, SubscriptionChanged
from services.billing.domain.feature_use import broken_by
from services.billing.domain.invoices import issue_invoice, renewal_invoice
from services.billing.domain.subscription import CANCELED, is_due_for_renewal, renew
from services.billing.domain.subscription_access import SubscriptionAccess
from services.common.principal import system_principal

log = logging.getLogger(__name__)

RENEWALS_ACTOR = system_principal("billing-renewals")
# Renewals of one organization caught up in one pass at most (a service down for months catches up over passes).
MAX_RENEWALS_PER_PASS = 24
# When a canceled subscription ends, the organization is flagged for deletion this long after (export before).
DELETION_DELAY = timedelta(days=90)


class RenewalUseCases:
    def __init__(self, access: SubscriptionAccess, collection: Collection):
        self._access = access
        self._collection = collection

    async def run_renewals(self, batch: int = 100) -> int:
        """Renew every subscription whose period has ended and retry due collections; returns how many
        organizations were handled."""
        now = self._access.clock.now()
        async with self._access.store.read() as tx:
            due = await tx.organizations_due(now, batch)
        handled = 0
        for organization_id in due:
            try:
                await self.renew_organization(organization_id)
            except Exception:
                # One organization's trouble (a plan gone from the catalogue, say) must not stop the others.
                log.exception("renewal failed", extra={"organization_id": organization_id})
                continue
            handled += 1
        return handled

    async def renew_organization(self, organization_id: str) -> None:
        access = self._access
        now = access.clock.now()
        async with access.store.write() as tx:
            subscription = await access.locked(tx, organization_id)
            for _ in range(MAX_RENEWALS_PER_PASS):
                if not is_due_for_renewal(subscription, now):
                    break
                plan = access.plan_of(subscription)
                next_plan = access.next_plan_of(subscription)
                if next_plan is not None and broken_by(next_plan, await tx.feature_uses(organization_id)):
                    # Scheduled before the organization began to use what the new plan lacks (say, enabled SSO):
                    # it keeps its plan rather than lose sign-in; the audit log says why.
                    withdrawn = replace(subscription, plan_at_renewal=None, version=subscription.version + 1)
                    await tx.save_subscription(withdrawn, now)
                    await tx.record_events(
                        SubscriptionChanged(RENEWALS_ACTOR, now, "plan_change_withdrawn", withdrawn, subscription)
                    )
                    subscription, next_plan = withdrawn, None
                usage = await access.seat_usage(tx, subscription)
                before = subscription
                renewed = renew(subscription, plan, usage.in_use, next_plan)
                plan = next_plan or plan
                if renewed.status == CANCELED:
                    subscription = replace(renewed, version=before.version + 1)
                    await tx.save_subscription(subscription, now)
                    ended = subscription.canceled_at or now
                    await tx.record_events(
                        SubscriptionChanged(RENEWALS_ACTOR, now, "canceled", subscription, before),
                        OrganizationDeletionScheduled(
                            RENEWALS_ACTOR, now, organization_id, ended, ended + DELETION_DELAY
                        ),
                    )
                    return
                invoice, renewed = issue_invoice(renewed, renewal_invoice(renewed, plan), now)
                subscription = replace(renewed, version=before.version + 1)
                await tx.save_subscription(subscription, now)
                await tx.insert_invoice(invoice)
                await tx.record_events(
                    SubscriptionChanged(RENEWALS_ACTOR, now, "renewed", subscription, before),
                    InvoiceIssued(RENEWALS_ACTOR, now, invoice),
                )
        retry_due = subscription.next_payment_attempt_at is None or subscription.next_payment_attempt_at <= now
        if subscription.status != CANCELED and retry_due:
            await self._collection.collect(organization_id, RENEWALS_ACTOR)
