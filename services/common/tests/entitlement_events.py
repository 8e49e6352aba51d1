"""Billing's entitlements.changed as a consumer receives it, for the tests of the services that project it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Table
from tenantry.events.v1 import entitlement_events_pb2, envelope_pb2

from services.common.db import Database
from services.common.entitlements import EntitlementProjection
from services.common.messaging import actor_from_principal, new_envelope
from services.common.principal import system_principal

TEAM_OFFERS = {"sso": ["Team", "Enterprise"], "scim": ["Enterprise"], "audit_export": ["Enterprise"]}


def entitlements_changed(
    organization_id: str,
    *,
    version: int,
    plan_id: str = "team-monthly",
    features: tuple[str, ...] = ("audit_log", "sso"),
    limits: dict[str, int] | None = None,
    modules: tuple[str, ...] = ("dictation", "templates"),
    active: bool = True,
) -> envelope_pb2.Envelope:
    return new_envelope(
        producer="billing",
        event_type="entitlements.changed",
        organization_id=organization_id,
        actor=actor_from_principal(system_principal()),
        payload=entitlement_events_pb2.EntitlementsChanged(
            entitlements=entitlement_events_pb2.EntitlementSet(
                organization_id=organization_id,
                plan_id=plan_id,
                subscription_status="active" if active else "canceled",
                active=active,
                features=list(features),
                limits=limits if limits is not None else {"api_keys": 10, "seats": 500},
                modules=list(modules),
                version=version,
                offers=[
                    entitlement_events_pb2.EntitlementOffer(entitlement=name, plan_names=plans)
                    for name, plans in TEAM_OFFERS.items()
                ],
            ),
            previous_plan_id=plan_id,
        ),
        occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
    )


async def deliver_entitlements(db: Database, table: Table, envelope: envelope_pb2.Envelope) -> None:
    """Apply the event as the service's consumer would (in a write transaction of its database)."""
    async with db.write() as connection:
        await EntitlementProjection(table).on_changed(connection, envelope)
