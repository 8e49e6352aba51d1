"""Billing's seat projection against real databases: replayed and out-of-order events end right."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from google.protobuf.message import Message
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.billing.domain.use_cases import BillingUseCases
from services.billing.events.consume import SEATS_CONSUMER, SeatProjection
from services.billing.main import MIGRATIONS_DIR
from services.billing.store.sql import SqlBillingStore
from services.billing.store.tables import messaging
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.errors import NotFound, PermissionDenied
from services.common.messaging import EventConsumer, actor_from_principal, new_envelope
from services.common.principal import Principal, system_principal

ORG = "org-1"
BILLING_READER = Principal(
    actor_type="user", actor_id="a", organization_id=ORG, permissions=frozenset({"billing.read"})
)


@pytest.fixture
async def billing(database_url: str) -> AsyncIterator[tuple[EventConsumer, BillingUseCases]]:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    clock = FrozenClock(datetime(2026, 3, 1, tzinfo=UTC))
    projection = SeatProjection(default_seats=10, clock=clock)
    consumer = EventConsumer(
        name=SEATS_CONSUMER,
        db=db,
        tables=messaging,
        bus=None,
        producers=[],
        handlers=projection.handlers(),  # type: ignore[arg-type]
    )
    yield consumer, BillingUseCases(SqlBillingStore(db))
    await db.dispose()


def event(event_type: str, payload: Message) -> envelope_pb2.Envelope:
    return new_envelope(
        producer="membership",
        event_type=event_type,
        organization_id=ORG,
        actor=actor_from_principal(system_principal()),
        payload=payload,
        occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
    )


def member(
    member_id: str, status: str, version: int, seat_consuming: bool = True
) -> membership_events_pb2.MemberChanged:
    return membership_events_pb2.MemberChanged(
        member_id=member_id, status=status, version=version, seat_consuming=seat_consuming, role="member"
    )


async def deliver(consumer: EventConsumer, envelope: envelope_pb2.Envelope) -> None:
    await consumer.apply(envelope, consumer._handlers[envelope.type])


async def test_an_invited_member_holds_a_seat_and_an_active_owner_another(
    billing: tuple[EventConsumer, BillingUseCases],
) -> None:
    consumer, use_cases = billing
    await deliver(
        consumer, event("organization.created", membership_events_pb2.OrganizationCreated(organization_id=ORG))
    )
    await deliver(consumer, event("member.added", member("owner", "active", 1)))
    await deliver(
        consumer, event("member.invited", membership_events_pb2.MemberInvited(member=member("new", "invited", 1)))
    )
    usage = await use_cases.seat_usage(BILLING_READER, ORG)
    assert (usage.purchased, usage.active, usage.invited, usage.in_use, usage.available) == (10, 1, 1, 2, 8)


async def test_a_member_without_seat_use_holds_no_seat(billing: tuple[EventConsumer, BillingUseCases]) -> None:
    consumer, use_cases = billing
    await deliver(
        consumer, event("organization.created", membership_events_pb2.OrganizationCreated(organization_id=ORG))
    )
    await deliver(consumer, event("member.added", member("accountant", "active", 1, seat_consuming=False)))
    assert (await use_cases.seat_usage(BILLING_READER, ORG)).in_use == 0


async def test_a_stale_member_version_does_not_undo_a_newer_one(billing: tuple[EventConsumer, BillingUseCases]) -> None:
    consumer, use_cases = billing
    await deliver(
        consumer, event("organization.created", membership_events_pb2.OrganizationCreated(organization_id=ORG))
    )
    await deliver(consumer, event("member.removed", member("m", "removed", 3, seat_consuming=False)))
    await deliver(
        consumer, event("member.invited", membership_events_pb2.MemberInvited(member=member("m", "invited", 1)))
    )
    await deliver(consumer, event("member.activated", member("m", "active", 2)))
    assert (await use_cases.seat_usage(BILLING_READER, ORG)).in_use == 0


async def test_a_replayed_event_counts_once(billing: tuple[EventConsumer, BillingUseCases]) -> None:
    consumer, use_cases = billing
    created = event("organization.created", membership_events_pb2.OrganizationCreated(organization_id=ORG))
    invited = event("member.invited", membership_events_pb2.MemberInvited(member=member("m", "invited", 1)))
    for envelope in (created, invited, created, invited):
        await deliver(consumer, envelope)
    assert (await use_cases.seat_usage(BILLING_READER, ORG)).invited == 1


async def test_seats_are_private_to_their_organization_and_to_billing_readers(
    billing: tuple[EventConsumer, BillingUseCases],
) -> None:
    consumer, use_cases = billing
    await deliver(
        consumer, event("organization.created", membership_events_pb2.OrganizationCreated(organization_id=ORG))
    )
    with pytest.raises(NotFound):
        await use_cases.seat_usage(
            Principal(
                actor_type="user", actor_id="b", organization_id="org-2", permissions=frozenset({"billing.read"})
            ),
            ORG,
        )
    with pytest.raises(PermissionDenied):
        await use_cases.seat_usage(
            Principal(actor_type="user", actor_id="c", organization_id=ORG, permissions=frozenset({"seat.use"})), ORG
        )
