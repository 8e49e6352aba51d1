"""A downgrade never silently breaks sign-in: billing projects identity's SSO connections, refuses a move to a plan
without "sso" while one is enabled (naming it and what to do), and withdraws a scheduled one at the renewal if SSO
was enabled after it was scheduled; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest
from tenantry.events.v1 import identity_events_pb2
from tenantry.identity.v1 import sso_service_pb2

from services.billing.domain.catalogue import load_catalogue
from services.billing.events.feature_use import FeatureUseProjection
from services.billing.store.tables import messaging
from services.billing.tests.harness import ORG, BillingHarness, open_harness, service_event
from services.billing.tests.test_subscriptions import BILLING_ADMIN, CARD, OWNER
from services.common.errors import FailedPrecondition
from services.common.messaging import EventConsumer

# An operator's catalogue with a plan without SSO: "team-monthly" loses it, "enterprise-yearly" keeps it.
CATALOGUE = load_catalogue()
CATALOGUE = replace(
    CATALOGUE,
    plans=tuple(
        replace(plan, entitlements=tuple(e for e in plan.entitlements if e != "sso"))
        if plan.id.startswith("team")
        else plan
        for plan in CATALOGUE.plans
    ),
    default_plan_id="enterprise-yearly",
)


@pytest.fixture
async def billing(database_url: str) -> AsyncIterator[BillingHarness]:
    harness = await open_harness(database_url, catalogue=CATALOGUE)
    yield harness
    await harness.db.dispose()


async def sso_connection(
    billing: BillingHarness, event_type: str, enabled: bool, version: int, connection_id: str = "conn-1"
) -> None:
    """identity's SsoConnectionChanged, delivered to billing's feature-use consumer."""
    connection = sso_service_pb2.SsoConnection(
        id=connection_id, organization_id=ORG, name="Okta", enabled=enabled, version=version
    )
    changed = (
        identity_events_pb2.SsoConnectionChanged(before=connection)
        if event_type == "sso_connection.deleted"
        else identity_events_pb2.SsoConnectionChanged(after=connection)
    )
    envelope = service_event("identity", event_type, changed)
    projection = FeatureUseProjection(billing.store)
    consumer = EventConsumer(
        name="billing-feature-use",
        db=billing.db,
        tables=messaging,
        bus=None,  # type: ignore[arg-type]  # events are handed to it directly, never fetched
        producers=[],
        handlers=projection.handlers(),
    )
    await consumer.apply(envelope, consumer._handlers[envelope.type])


async def paying_enterprise(billing: BillingHarness) -> None:
    await billing.open_organization()
    await billing.use_cases.subscriptions.update_payment_method(OWNER, ORG, CARD)
    billing.clock.advance(timedelta(days=15))
    await billing.use_cases.renewals.run_renewals()


async def test_a_plan_without_sso_is_refused_while_a_connection_is_enabled_naming_it(billing: BillingHarness) -> None:
    await paying_enterprise(billing)
    await sso_connection(billing, "sso_connection.created", enabled=False, version=1)
    await billing.use_cases.plan_changes.change_plan(BILLING_ADMIN, ORG, "team-yearly")  # a disabled one is no use
    await billing.use_cases.plan_changes.change_plan(BILLING_ADMIN, ORG, "enterprise-yearly")  # back, unscheduled

    await sso_connection(billing, "sso_connection.updated", enabled=True, version=2)
    with pytest.raises(FailedPrecondition) as refused:
        await billing.use_cases.plan_changes.change_plan(BILLING_ADMIN, ORG, "team-monthly")
    assert refused.value.reason == "FEATURE_IN_USE"
    assert "'Okta'" in refused.value.message and "disable or delete it first" in refused.value.message
    assert [(v.type, v.subject) for v in refused.value.violations] == [("FEATURE_IN_USE", "sso")]
    dashboard = await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)
    assert (dashboard.plan.id, dashboard.subscription.plan_at_renewal) == ("enterprise-yearly", None)

    await sso_connection(billing, "sso_connection.updated", enabled=True, version=1)  # late, older: ignored
    await sso_connection(billing, "sso_connection.deleted", enabled=True, version=2)
    await sso_connection(billing, "sso_connection.updated", enabled=True, version=3)  # after deletion: ignored
    await billing.use_cases.plan_changes.change_plan(BILLING_ADMIN, ORG, "team-monthly")


async def test_a_downgrade_scheduled_before_sso_was_enabled_is_withdrawn_at_the_renewal(
    billing: BillingHarness,
) -> None:
    await paying_enterprise(billing)
    await billing.use_cases.plan_changes.change_plan(BILLING_ADMIN, ORG, "team-yearly")
    assert (await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)).subscription.plan_at_renewal
    await sso_connection(billing, "sso_connection.created", enabled=True, version=1)

    billing.clock.advance(timedelta(days=366))
    await billing.use_cases.renewals.run_renewals()

    dashboard = await billing.use_cases.subscriptions.dashboard(BILLING_ADMIN, ORG)
    assert (dashboard.plan.id, dashboard.subscription.plan_at_renewal) == ("enterprise-yearly", None)
    subjects = await billing.published_subjects("tenantry.billing.subscription.")
    assert subjects[-2:] == [
        "tenantry.billing.subscription.plan_change_withdrawn",
        "tenantry.billing.subscription.renewed",
    ]
