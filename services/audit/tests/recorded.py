"""Entries recorded in an organization's log the way the audit consumer records them (tests of retention and log
streams fill a log with these)."""

from __future__ import annotations

from tenantry.common.v1 import common_pb2
from tenantry.events.v1 import entitlement_events_pb2, membership_events_pb2

from services.audit.events.consume import AuditRecorder
from services.audit.store.sql import SqlAuditStore
from services.audit.store.tables import entitlements
from services.common.clock import Clock
from services.common.db import Database
from services.common.entitlements import EntitlementProjection
from services.common.messaging import EventTarget, new_envelope


async def record_invitations(db: Database, clock: Clock, organization_id: str, numbers: range) -> None:
    """One `member.invited` entry per number, each in its own transaction, at the clock's time."""
    recorder = AuditRecorder(SqlAuditStore(db), clock)
    for number in numbers:
        envelope = new_envelope(
            producer="membership",
            event_type="member.invited",
            organization_id=organization_id,
            actor=common_pb2.Actor(type=common_pb2.ACTOR_TYPE_USER, id="acc-1"),
            payload=membership_events_pb2.MemberInvited(),
            occurred_at=clock.now(),
            target=EventTarget("member", f"m-{number}", f"p{number}@acme.test"),
        )
        async with db.write() as connection:
            await recorder.record(connection, envelope)


async def put_plan(
    db: Database,
    clock: Clock,
    organization_id: str,
    features: tuple[str, ...] = (),
    limits: dict[str, int] | None = None,
    version: int = 1,
) -> None:
    """The organization's entitlements as billing's event would set them (plan "team", active); a later change
    needs a higher version."""
    payload = entitlement_events_pb2.EntitlementsChanged(
        entitlements=entitlement_events_pb2.EntitlementSet(
            organization_id=organization_id,
            plan_id="team",
            active=True,
            features=sorted(features),
            limits=limits or {},
            version=version,
        )
    )
    envelope = new_envelope(
        producer="billing",
        event_type="entitlements.changed",
        organization_id=organization_id,
        actor=common_pb2.Actor(type=common_pb2.ACTOR_TYPE_SYSTEM, id="billing"),
        payload=payload,
        occurred_at=clock.now(),
        target=EventTarget("organization", organization_id),
    )
    async with db.write() as connection:
        await EntitlementProjection(entitlements, clock).on_changed(connection, envelope)
