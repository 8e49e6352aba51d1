"""What billing's tests share: a migrated real database, the seat projection fed directly (no bus), the use
cases over the real store and outbox, and builders of membership's events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from google.protobuf.message import Message
from pydantic import SecretStr
from sqlalchemy import select
from tenantry.events.v1 import envelope_pb2, membership_events_pb2

from services.billing.adapters.payment_providers import payment_providers
from services.billing.domain.catalogue import Catalogue, load_catalogue
from services.billing.domain.model import StoredSeatHolder
from services.billing.domain.seat_holds import SeatHoldUseCases
from services.billing.domain.subscription_opening import SubscriptionOpener
from services.billing.domain.use_cases import BillingUseCases, billing_use_cases
from services.billing.events.consume import SEATS_CONSUMER, SeatProjection
from services.billing.events.publish import BillingEnvelopes
from services.billing.main import MIGRATIONS_DIR
from services.billing.settings import BillingSettings
from services.billing.store.sql import SqlBillingStore
from services.billing.store.tables import messaging
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.messaging import EventConsumer, Outbox, actor_from_principal, new_envelope
from services.common.nats_server import free_port
from services.common.principal import Principal, system_principal

ORG = "org-1"
OTHER_ORG = "org-2"
START = datetime(2026, 3, 1, tzinfo=UTC)


def principal(*permissions: str, organization_id: str = ORG, actor_id: str = "admin") -> Principal:
    return Principal(
        actor_type="user", actor_id=actor_id, organization_id=organization_id, permissions=frozenset(permissions)
    )


BILLING_READER = principal("billing.read")
# A platform operator (PLATFORM_ADMIN): the only one who records payments, issues credit notes and sets tax rates.
OPERATOR = system_principal("billing-operator")
INVITER = principal("members.invite", "billing.read")


@dataclass
class BillingHarness:
    database_url: str
    db: Database
    clock: FrozenClock
    consumer: EventConsumer
    use_cases: BillingUseCases
    store: SqlBillingStore
    opener: SubscriptionOpener
    catalogue: Catalogue

    def use_cases_on(self, db: Database, catalogue: Catalogue | None = None) -> BillingUseCases:
        """The use cases over another engine on the same database, as a second replica would run them."""
        store = SqlBillingStore(
            db, Outbox(messaging, self.clock), self.clock, BillingEnvelopes(catalogue or self.catalogue)
        )
        return billing_use_cases(store, self.clock, catalogue or self.catalogue, payment_providers(), self.opener)

    def seat_holds_on(self, db: Database) -> SeatHoldUseCases:
        return self.use_cases_on(db).seat_holds

    async def deliver(self, envelope: envelope_pb2.Envelope) -> None:
        await self.consumer.apply(envelope, self.consumer._handlers[envelope.type])

    async def open_organization(self, organization_id: str = ORG) -> None:
        await self.deliver(
            membership_event(
                "organization.created",
                membership_events_pb2.OrganizationCreated(organization_id=organization_id),
                organization_id,
            )
        )

    async def member_event(
        self, event_type: str, member_id: str, status: str, version: int, seat_consuming: bool = True
    ) -> None:
        state = member(member_id, status, version, seat_consuming)
        payload: Message = (
            membership_events_pb2.MemberInvited(member=state) if event_type == "member.invited" else state
        )
        await self.deliver(membership_event(event_type, payload))

    async def store_holder(self, member_id: str, organization_id: str = ORG) -> StoredSeatHolder | None:
        async with self.store.read() as transaction:
            return await transaction.get_seat_holder(organization_id, member_id)

    async def published_subjects(self, prefix: str = "tenantry.billing.") -> list[str]:
        """Subjects of the events in the outbox that start with the prefix, oldest first."""
        async with self.db.read() as connection:
            subjects = await connection.scalars(
                select(messaging.outbox.c.subject).order_by(messaging.outbox.c.created_at, messaging.outbox.c.id)
            )
            return [subject for subject in subjects if subject.startswith(prefix)]


async def open_harness(
    database_url: str, default_seats: int = 10, catalogue: Catalogue | None = None
) -> BillingHarness:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    clock = FrozenClock(START)
    catalogue = catalogue or load_catalogue()
    store = SqlBillingStore(db, Outbox(messaging, clock), clock, BillingEnvelopes(catalogue))
    opener = SubscriptionOpener(catalogue, default_seats, clock)
    use_cases = billing_use_cases(store, clock, catalogue, payment_providers(), opener)
    projection = SeatProjection(store, use_cases.seat_holds, opener)
    consumer = EventConsumer(
        name=SEATS_CONSUMER,
        db=db,
        tables=messaging,
        bus=None,  # type: ignore[arg-type]  # events are handed to it directly, never fetched
        producers=[],
        handlers=projection.handlers(),
    )
    return BillingHarness(database_url, db, clock, consumer, use_cases, store, opener, catalogue)


def served_settings(data_dir: Path, database_url: str, nats_url: str, public_key: str) -> BillingSettings:
    """Settings of a billing runtime served on a free port, for tests that call it over gRPC."""
    return BillingSettings(
        data_dir=data_dir,
        database_url=database_url,
        nats_url=nats_url,
        principal_public_key=SecretStr(public_key),
        grpc_port=free_port(),
        shutdown_grace_seconds=1,
    )


def membership_event(event_type: str, payload: Message, organization_id: str = ORG) -> envelope_pb2.Envelope:
    return service_event("membership", event_type, payload, organization_id)


def service_event(
    producer: str, event_type: str, payload: Message, organization_id: str = ORG
) -> envelope_pb2.Envelope:
    """An event of another service, as its system actor publishes it."""
    return new_envelope(
        producer=producer,
        event_type=event_type,
        organization_id=organization_id,
        actor=actor_from_principal(system_principal()),
        payload=payload,
        occurred_at=START,
    )


def member(
    member_id: str, status: str, version: int, seat_consuming: bool = True
) -> membership_events_pb2.MemberChanged:
    return membership_events_pb2.MemberChanged(
        member_id=member_id, status=status, version=version, seat_consuming=seat_consuming, role="member"
    )
