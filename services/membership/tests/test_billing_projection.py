"""Membership records billing's deletion schedule of an organization whose subscription ended, on SQLite and
PostgreSQL, and shows it with the organization."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from tenantry.events.v1 import billing_events_pb2

from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.messaging import actor_from_principal, new_envelope, timestamp
from services.common.principal import system_principal
from services.membership.domain.model import Organization
from services.membership.domain.organizations import OrganizationUseCases
from services.membership.events.consume import BillingProjection
from services.membership.store.sql import SqlMembershipStore
from services.membership.tests.support import membership_store, user_with_role

ORG = "org-1"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
OWNER = user_with_role("acc-o", "owner", ORG)


@pytest.fixture
async def membership(database_url: str) -> AsyncIterator[tuple[OrganizationUseCases, SqlMembershipStore, Database]]:
    clock = FrozenClock(NOW)
    async with membership_store(database_url, clock) as (store, db):
        async with store.write() as tx:
            await tx.insert_organization(Organization(ORG, "Acme", NOW))
        yield OrganizationUseCases(store, clock), store, db


async def test_an_ended_subscription_schedules_the_organizations_deletion(membership) -> None:  # type: ignore[no-untyped-def]
    use_cases, store, db = membership
    before = await use_cases.get_organization(OWNER, ORG)
    assert before.organization.deletion_scheduled_at is None
    deletion = NOW + timedelta(days=90)
    envelope = new_envelope(
        producer="billing",
        event_type="organization.deletion_scheduled",
        organization_id=ORG,
        actor=actor_from_principal(system_principal()),
        payload=billing_events_pb2.OrganizationDeletionScheduled(
            organization_id=ORG, subscription_end_time=timestamp(NOW), deletion_time=timestamp(deletion)
        ),
        occurred_at=NOW,
    )
    async with db.write() as connection:
        await BillingProjection(store.bind).on_deletion_scheduled(connection, envelope)
    after = await use_cases.get_organization(OWNER, ORG)
    assert after.organization.deletion_scheduled_at == deletion
    assert after.organization.version == before.organization.version
