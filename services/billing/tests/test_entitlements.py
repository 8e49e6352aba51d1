"""Entitlements come from the plan catalogue and the subscription: GetEntitlements answers them, and every change of
them (opening, plan change, a canceled subscription ending) publishes the full set, versioned; on SQLite and
PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select
from tenantry.events.v1 import entitlement_events_pb2, envelope_pb2

from services.billing.domain.catalogue import CatalogueError, load_catalogue, parse_catalogue
from services.billing.domain.entitlements import EntitlementQueries
from services.billing.store.tables import messaging
from services.billing.tests.harness import ORG, OTHER_ORG, BillingHarness, principal
from services.billing.tests.test_subscriptions import BILLING_ADMIN, OWNER, activate
from services.common.errors import NotFound

ENTITLEMENTS_SUBJECT = "tenantry.billing.entitlements.changed"


async def published_sets(billing: BillingHarness) -> list[entitlement_events_pb2.EntitlementsChanged]:
    async with billing.db.read() as connection:
        payloads = await connection.scalars(
            select(messaging.outbox.c.payload)
            .where(messaging.outbox.c.subject == ENTITLEMENTS_SUBJECT)
            .order_by(messaging.outbox.c.created_at, messaging.outbox.c.id)
        )
        found = []
        for data in payloads:
            event = entitlement_events_pb2.EntitlementsChanged()
            envelope_pb2.Envelope.FromString(data).payload.Unpack(event)
            found.append(event)
    return found


def test_the_catalogue_gives_each_plan_limits_and_modules_and_names_the_plans_of_a_feature() -> None:
    catalogue = load_catalogue()
    team = catalogue.default_plan
    assert team.limit_map == {"api_keys": 10, "retention_days": 90, "log_streams": 1, "seats": 500}
    assert "dictation" in team.modules
    assert [plan.name for plan in catalogue.plans_with("scim")] == ["Enterprise"]


def test_a_limit_that_is_not_a_whole_number_is_refused_by_name() -> None:
    plan = {
        "id": "a", "name": "A", "price_per_seat": 1, "currency": "EUR", "interval": "month", "minimum_seats": 1,
        "maximum_seats": 5, "limits": {"api_keys": -1, "seats": 3}, "modules": ["Not A Name"],
    }  # fmt: skip
    with pytest.raises(CatalogueError) as refused:
        parse_catalogue({"plans": [plan]})
    message = str(refused.value)
    assert "limits.api_keys must be a whole number" in message
    assert "limit 'seats'" in message
    assert "modules must be a list of lowercase names" in message


async def test_a_new_organization_is_entitled_to_its_plan_and_the_set_is_published(billing: BillingHarness) -> None:
    await billing.open_organization()
    queries = EntitlementQueries(billing.store, billing.catalogue)
    member = principal()  # any principal of the organization, no permission needed
    entitlements = await queries.get(member, ORG)
    assert (entitlements.plan_id, entitlements.active) == ("team-monthly", True)
    assert "sso" in entitlements.features and "scim" not in entitlements.features
    assert dict(entitlements.limits)["api_keys"] == 10
    scim = next(offer for offer in entitlements.offers if offer.entitlement == "scim")
    assert scim.plan_names == ("Enterprise",)
    [published] = await published_sets(billing)
    assert published.entitlements.organization_id == ORG
    assert list(published.entitlements.features) == ["audit_log", "sso"]
    assert published.entitlements.limits["seats"] == 500
    assert published.entitlements.version == entitlements.version


async def test_another_organizations_entitlements_are_not_found(billing: BillingHarness) -> None:
    await billing.open_organization()
    await billing.open_organization(OTHER_ORG)
    with pytest.raises(NotFound):
        await EntitlementQueries(billing.store, billing.catalogue).get(principal(), OTHER_ORG)


async def test_a_plan_change_publishes_the_new_set_with_a_higher_version(billing: BillingHarness) -> None:
    await activate(billing)
    await billing.use_cases.seat_purchases.change_seats(BILLING_ADMIN, ORG, 30)
    before = await published_sets(billing)
    await billing.use_cases.plan_changes.change_plan(BILLING_ADMIN, ORG, "enterprise-yearly")
    billing.clock.advance(timedelta(days=31))
    await billing.use_cases.renewals.run_renewals()
    after = await published_sets(billing)
    assert len(after) == len(before) + 1  # seat and payment changes grant nothing new: no event for them
    changed = after[-1]
    assert changed.entitlements.plan_id == "enterprise-yearly"
    assert changed.previous_plan_id == "team-monthly"
    assert "scim" in changed.entitlements.features
    assert changed.entitlements.version > before[-1].entitlements.version


async def test_a_canceled_subscription_ending_takes_every_entitlement_away(billing: BillingHarness) -> None:
    await activate(billing)
    await billing.use_cases.subscriptions.cancel(replace(OWNER, authenticated_at=billing.clock.now()), ORG)
    assert len(await published_sets(billing)) == 1  # canceling at period end changes nothing yet
    billing.clock.advance(timedelta(days=45))
    await billing.use_cases.renewals.run_renewals()
    ended = (await published_sets(billing))[-1].entitlements
    assert (ended.active, list(ended.features), ended.subscription_status) == (False, [], "canceled")
    entitlements = await EntitlementQueries(billing.store, billing.catalogue).get(principal(), ORG)
    assert not entitlements.active
