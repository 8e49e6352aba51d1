"""Membership records billing's deletion schedule of an organization whose subscription ended, on SQLite and
PostgreSQL, and shows it with the organization."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from tenantry.events.v1 import billing_events_pb2

from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.messaging import Outbox, actor_from_principal, new_envelope, timestamp
from services.common.principal import Principal, system_principal
from services.membership.domain import roles
from services.membership.domain.model import Organization
from services.membership.domain.organizations import OrganizationUseCases
from services.membership.events.consume import BillingProjection
from services.membership.events.publish import to_envelope
from services.membership.main import MIGRATIONS_DIR
from services.membership.store.sql import SqlMembershipStore
from services.membership.store.tables import messaging

ORG = "org-1"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
OWNER = Principal(
    actor_type="user",
    actor_id="acc-o",
    account_id="acc-o",
    organization_id=ORG,
    permissions=roles.permissions_of("owner"),
)


@pytest.fixture
async def membership(database_url: str) -> AsyncIterator[tuple[OrganizationUseCases, SqlMembershipStore, Database]]:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    clock = FrozenClock(NOW)
    store = SqlMembershipStore(db, Outbox(messaging, clock), clock, to_envelope)
    async with store.write() as tx:
        await tx.insert_organization(Organization(ORG, "Acme", NOW))
    yield OrganizationUseCases(store, clock), store, db
    await db.dispose()


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
