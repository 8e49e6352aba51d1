"""Membership's projection of identity's events, on SQLite and PostgreSQL: out-of-order deliveries never move
a last sign-in back or restore an older invitation policy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from tenantry.events.v1 import envelope_pb2, identity_events_pb2
from tenantry.identity.v1 import identity_service_pb2

from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.messaging import actor_from_principal, new_envelope
from services.common.principal import system_principal
from services.membership.domain.model import Member, MemberStatus, Organization
from services.membership.events.consume import IdentityProjection
from services.membership.main import MIGRATIONS_DIR
from services.membership.store.sql import SqlMembershipTransaction

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    database = Database(database_url)
    async with database.write() as connection:
        tx = SqlMembershipTransaction(connection)
        await tx.insert_organization(Organization("org-1", "Acme", NOW))
        await tx.insert_member(
            Member("m-1", "org-1", "acc-1", "ann@acme.test", "Ann", "member", MemberStatus.ACTIVE, NOW, NOW)
        )
    yield database
    await database.dispose()


def identity_event(event_type: str, payload: object, occurred_at: datetime) -> envelope_pb2.Envelope:
    return new_envelope(
        producer="identity",
        event_type=event_type,
        organization_id="org-1",
        actor=actor_from_principal(system_principal()),
        payload=payload,  # type: ignore[arg-type]
        occurred_at=occurred_at,
    )


async def test_the_newest_sign_in_wins_whatever_the_delivery_order(db: Database) -> None:
    projection = IdentityProjection(FrozenClock(NOW), SqlMembershipTransaction)
    later, earlier = NOW + timedelta(hours=2), NOW + timedelta(hours=1)
    for moment in (later, earlier):
        event = identity_events_pb2.SessionStarted(session_id="s", account_id="acc-1", method="password")
        async with db.write() as connection:
            await projection.on_session_started(connection, identity_event("session.started", event, moment))
    async with db.read() as connection:
        member = await SqlMembershipTransaction(connection).get_member("org-1", "m-1")
    assert member is not None and member.last_sign_in_at == later
    assert member.version == 1  # a sign-in is not a change of the member


async def test_an_older_policy_version_never_replaces_a_newer_one(db: Database) -> None:
    projection = IdentityProjection(FrozenClock(NOW), SqlMembershipTransaction)

    def policy_update(version: int, domains: list[str]) -> envelope_pb2.Envelope:
        after = identity_service_pb2.SecurityPolicy(organization_id="org-1", allowed_invitation_domains=domains)
        event = identity_events_pb2.SecurityPolicyUpdated(after=after, version=version)
        return identity_event("security_policy.updated", event, NOW)

    for envelope in (policy_update(3, ["acme.test"]), policy_update(2, [])):
        async with db.write() as connection:
            await projection.on_security_policy_updated(connection, envelope)
    async with db.read() as connection:
        allowed = await SqlMembershipTransaction(connection).get_allowed_invitation_domains("org-1")
    assert allowed == frozenset({"acme.test"})
