"""An organization's entitlements, pure: what its subscription grants (features, limits, modules), computed from the
plan catalogue and the subscription's status, and the event that announces a change of them."""

from __future__ import annotations

from dataclasses import dataclass

from services.billing.domain.catalogue import Catalogue, Plan
from services.billing.domain.events import SubscriptionChanged
from services.billing.domain.ports import BillingStore
from services.billing.domain.subscription import CANCELED, Subscription
from services.common.domain import DomainEvent
from services.common.errors import NotFound
from services.common.principal import Principal


@dataclass(frozen=True)
class Offer:
    """The plans (ids and names, catalogue order) that include one feature or module."""

    entitlement: str
    plan_ids: tuple[str, ...]
    plan_names: tuple[str, ...]


@dataclass(frozen=True)
class Entitlements:
    organization_id: str
    plan_id: str
    subscription_status: str
    # False once a canceled subscription has ended: nothing is granted any more.
    active: bool
    features: tuple[str, ...]
    limits: tuple[tuple[str, int], ...]
    modules: tuple[str, ...]
    version: int
    offers: tuple[Offer, ...]

    def grants(self) -> tuple[object, ...]:
        """What a consumer acts on (everything but the version and the catalogue's offers)."""
        return (self.plan_id, self.active, self.features, self.limits, self.modules)


@dataclass(frozen=True)
class EntitlementsChanged(DomainEvent):
    entitlements: Entitlements
    previous_plan_id: str


def offers(catalogue: Catalogue) -> tuple[Offer, ...]:
    return tuple(
        Offer(name, tuple(plan.id for plan in plans), tuple(plan.name for plan in plans))
        for name in catalogue.all_entitlements
        if (plans := catalogue.plans_with(name))
    )


def entitlements_of(subscription: Subscription, plan: Plan | None, catalogue: Catalogue) -> Entitlements:
    """The entitlements a subscription grants. A canceled subscription (it has ended: cancellation at period end
    keeps the status until then) grants nothing; a plan gone from the catalogue grants nothing either."""
    active = subscription.status != CANCELED and plan is not None
    return Entitlements(
        organization_id=subscription.organization_id,
        plan_id=subscription.plan_id,
        subscription_status=subscription.status,
        active=active,
        features=tuple(sorted(plan.entitlements)) if active and plan else (),
        limits=tuple(sorted(plan.limit_map.items())) if active and plan else (("seats", 0),),
        modules=tuple(sorted(plan.modules)) if active and plan else (),
        version=subscription.version,
        offers=offers(catalogue),
    )


def entitlement_changes(catalogue: Catalogue, event: DomainEvent) -> tuple[DomainEvent, ...]:
    """The EntitlementsChanged a subscription change causes: on opening, and whenever the grants differ (a plan
    changed now or at a renewal, a trial ended into cancellation, a subscription ended)."""
    if not isinstance(event, SubscriptionChanged):
        return ()
    after = entitlements_of(event.subscription, catalogue.plan(event.subscription.plan_id), catalogue)
    before = entitlements_of(event.previous, catalogue.plan(event.previous.plan_id), catalogue)
    if event.change != "opened" and after.grants() == before.grants():
        return ()
    return (EntitlementsChanged(event.actor, event.occurred_at, after, event.previous.plan_id),)


class EntitlementQueries:
    """GetEntitlements: any principal of the organization may read them (its product must know them)."""

    def __init__(self, store: BillingStore, catalogue: Catalogue):
        self._store = store
        self._catalogue = catalogue

    async def get(self, principal: Principal, organization_id: str) -> Entitlements:
        principal.require_organization(organization_id)
        async with self._store.read() as tx:
            subscription = await tx.get_subscription(organization_id)
        if subscription is None:
            raise NotFound("No subscription for this organization.")
        return entitlements_of(subscription, self._catalogue.plan(subscription.plan_id), self._catalogue)
