"""The subscription as the tenant sees and keeps it: the plans on offer, the dashboard with the next invoice, the
billing profile and payment method, and cancellation at period end (and calling it off)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from services.billing.domain.billing_details import validate_payment_method, validate_profile
from services.billing.domain.catalogue import Plan
from services.billing.domain.collection import Collection
from services.billing.domain.invoices import InvoiceDraft, renewal_invoice
from services.billing.domain.model import SeatUsage
from services.billing.domain.payments import PaymentMethod
from services.billing.domain.subscription import (
    CANCELED,
    BillingProfile,
    Subscription,
    cancel_at_period_end,
    renew,
    resume,
)
from services.billing.domain.subscription_access import SubscriptionAccess, refuse_if_canceled
from services.common.errors import NotFound, PermissionDenied
from services.common.permissions import BILLING_MANAGE, BILLING_READ, PLATFORM_ADMIN, SUBSCRIPTION_CANCEL
from services.common.principal import Principal


@dataclass(frozen=True)
class Dashboard:
    subscription: Subscription
    plan: Plan
    seat_usage: SeatUsage
    # The invoice the next renewal issues (None when the subscription ends instead).
    upcoming_invoice: InvoiceDraft | None


class SubscriptionUseCases:
    def __init__(self, access: SubscriptionAccess, collection: Collection):
        self._access = access
        self._collection = collection

    async def list_plans(self, principal: Principal, organization_id: str) -> tuple[Plan, ...]:
        principal.authorize(BILLING_READ, organization_id)
        return self._access.catalogue.plans

    async def dashboard(self, principal: Principal, organization_id: str) -> Dashboard:
        principal.authorize(BILLING_READ, organization_id)
        async with self._access.store.read() as tx:
            subscription = await tx.get_subscription(organization_id)
            if subscription is None:
                raise NotFound("No subscription for this organization.")
            usage = await self._access.seat_usage(tx, subscription)
        plan = self._access.plan_of(subscription)
        return Dashboard(subscription, plan, usage, self.upcoming_invoice(subscription, plan, usage.in_use))

    def upcoming_invoice(self, subscription: Subscription, plan: Plan, seats_in_use: int) -> InvoiceDraft | None:
        return upcoming_invoice(self._access, subscription, plan, seats_in_use)

    async def update_profile(self, principal: Principal, organization_id: str, profile: BillingProfile) -> Subscription:
        """The billing profile, editable by the tenant (billing.manage) except its tax rate, which only a platform
        operator sets: a tenant's update must carry the rate as it is (OPERATOR_ONLY otherwise)."""
        principal.authorize(BILLING_MANAGE, organization_id)
        profile = validate_profile(profile)
        operator = PLATFORM_ADMIN in principal.permissions

        def apply(subscription: Subscription) -> Subscription:
            refuse_if_canceled(subscription)
            if not operator and profile.tax_rate_basis_points != subscription.profile.tax_rate_basis_points:
                raise PermissionDenied(
                    "Only a platform operator sets the tax rate; send the current one "
                    f"({subscription.profile.tax_rate_basis_points} basis points).",
                    reason="OPERATOR_ONLY",
                    metadata={
                        "field": "billing_profile.tax_rate_basis_points",
                        "permission": PLATFORM_ADMIN,
                        "current_basis_points": str(subscription.profile.tax_rate_basis_points),
                    },
                )
            return replace(subscription, profile=profile)

        return await self._access.change(principal, organization_id, "profile_updated", apply)

    async def update_payment_method(
        self, principal: Principal, organization_id: str, method: PaymentMethod
    ) -> Subscription:
        """A new payment method; when a collection had failed, the open invoices are retried with it at once."""
        principal.authorize(BILLING_MANAGE, organization_id)
        method = validate_payment_method(method, self._access.clock.now())
        updated = await self._access.update(principal, organization_id, "payment_method_updated", payment_method=method)
        if updated.failed_payment_attempts:
            await self._collection.collect(organization_id, principal)
            async with self._access.store.read() as tx:
                updated = await tx.get_subscription(organization_id) or updated
        return updated

    async def cancel(self, principal: Principal, organization_id: str) -> Subscription:
        principal.authorize(SUBSCRIPTION_CANCEL, organization_id)
        principal.require_recent_authentication(self._access.clock.now())
        return await self._access.change(principal, organization_id, "cancel_scheduled", cancel_at_period_end)

    async def resume(self, principal: Principal, organization_id: str) -> Subscription:
        principal.authorize(SUBSCRIPTION_CANCEL, organization_id)
        return await self._access.change(principal, organization_id, "resumed", resume)


def upcoming_invoice(
    access: SubscriptionAccess, subscription: Subscription, plan: Plan, seats_in_use: int
) -> InvoiceDraft | None:
    """A preview of the invoice the next renewal issues, by the same code that will issue it."""
    if subscription.status == CANCELED or subscription.cancel_at_period_end:
        return None
    next_plan = access.next_plan_of(subscription)
    return renewal_invoice(renew(subscription, plan, seats_in_use, next_plan), next_plan or plan)
