"""Every service's projection of billing's entitlements, and the check each service makes before using a feature.

Billing computes an organization's entitlements (features, limits, modules) from its plan and publishes the full
set, versioned, on `tenantry.billing.entitlements.changed`. A service that enforces them keeps this projection in
its own database (the `entitlements` table, added by a migration of its own; `entitlements_table(metadata)`),
feeds it with `EntitlementProjection(...).handlers()` on a consumer of billing's stream, and checks:

    await entitlements.require(organization_id, "sso")          # FAILED_PRECONDITION ENTITLEMENT_REQUIRED
    await entitlements.require_limit(organization_id, "api_keys", in_use_after=count + 1)  # LIMIT_REACHED

or, inside a transaction it already holds, `require(await load_entitlements(connection, table, org), org, name)`.
Both errors name the entitlement and the plans that include it (`metadata["plans"]`, comma-separated names).

An organization whose entitlements have not arrived yet (billing's event is still on its way, a few milliseconds
after the organization was created) is refused features (`ENTITLEMENTS_UNKNOWN`, retryable) but not limited: a
limit applies from the moment the set is known.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import MetaData, Table, Text, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import Field, SQLModel
from tenantry.events.v1 import entitlement_events_pb2, envelope_pb2

from services.common.clock import Clock, SystemClock
from services.common.db import Database, UTCDateTime
from services.common.errors import FailedPrecondition, PreconditionViolation
from services.common.messaging import EventHandler
from services.common.messaging.envelope import unpack
from services.common.projections import upsert_if_newer
from services.common.tables import core_table, model_base, table_model

ENTITLEMENTS_CHANGED = "billing.entitlements.changed"
TABLE_NAME = "entitlements"
# Limits the services enforce today (billing's catalogue names them; "seats" is the plan's maximum_seats).
LIMIT_API_KEYS = "api_keys"
LIMIT_SEATS = "seats"
LIMIT_RETENTION_DAYS = "retention_days"
LIMIT_LOG_STREAMS = "log_streams"
# Features other services check before enabling something (SSO connections, SCIM tokens, audit export).
FEATURE_SSO = "sso"
FEATURE_SCIM = "scim"
FEATURE_AUDIT_EXPORT = "audit_export"
# The plan module that shows adoption analytics (usage is still counted without it, so an upgrade shows history).
MODULE_ANALYTICS = "analytics"


class EntitlementRow(SQLModel):
    organization_id: str = Field(primary_key=True, max_length=36)
    plan_id: str = Field(max_length=64)
    active: bool
    features: str = Field(sa_type=Text, sa_column_kwargs={"comment": "JSON list of feature names"})
    limits: str = Field(sa_type=Text, sa_column_kwargs={"comment": "JSON object: limit name -> whole number"})
    modules: str = Field(sa_type=Text, sa_column_kwargs={"comment": "JSON list of module names"})
    offers: str = Field(sa_type=Text, sa_column_kwargs={"comment": "JSON object: entitlement -> names of plans"})
    version: int = Field(sa_column_kwargs={"comment": "the subscription's version; older sets are ignored"})
    updated_at: datetime = Field(sa_type=UTCDateTime)


def entitlements_table(metadata: MetaData) -> Table:
    """The entitlements projection a service keeps in its own database."""
    return core_table(table_model(EntitlementRow, model_base(metadata), TABLE_NAME))


@dataclass(frozen=True)
class OrganizationEntitlements:
    """What one organization may use, as its service last heard from billing."""

    organization_id: str
    plan_id: str
    active: bool
    features: frozenset[str]
    limits: dict[str, int]
    modules: frozenset[str]
    version: int
    # entitlement -> names of the plans that include it (to say what to upgrade to)
    offers: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def grants(self, entitlement: str) -> bool:
        return self.active and (entitlement in self.features or entitlement in self.modules)

    def limit(self, name: str) -> int | None:
        """The limit, or None when the plan sets none (unlimited). An ended subscription allows nothing."""
        if not self.active:
            return 0
        return self.limits.get(name)


def from_event(payload: entitlement_events_pb2.EntitlementSet) -> OrganizationEntitlements:
    return OrganizationEntitlements(
        organization_id=payload.organization_id,
        plan_id=payload.plan_id,
        active=payload.active,
        features=frozenset(payload.features),
        limits=dict(payload.limits),
        modules=frozenset(payload.modules),
        version=payload.version,
        offers={offer.entitlement: tuple(offer.plan_names) for offer in payload.offers},
    )


def _plans_clause(plans: tuple[str, ...]) -> str:
    if not plans:
        return "No plan includes it."
    return f"It is part of the {', '.join(plans)} plan{'s' if len(plans) > 1 else ''}."


def require(entitlements: OrganizationEntitlements | None, organization_id: str, entitlement: str) -> None:
    """Allow the use of a feature or module, or raise FAILED_PRECONDITION naming it and the plans that have it."""
    subject = f"organizations/{organization_id}/entitlements/{entitlement}"
    if entitlements is None:
        raise FailedPrecondition(
            "This organization's plan is not known yet; try again in a moment.",
            [PreconditionViolation("ENTITLEMENT", subject, "the organization's entitlements have not arrived yet")],
            reason="ENTITLEMENTS_UNKNOWN",
            metadata={"entitlement": entitlement},
        )
    if entitlements.grants(entitlement):
        return
    plans = entitlements.offers.get(entitlement, ())
    if not entitlements.active:
        message = f"The subscription has ended: {entitlement!r} is not available. Resubscribe to use it."
    else:
        message = f"The current plan does not include {entitlement!r}. {_plans_clause(plans)}"
    raise FailedPrecondition(
        message,
        [PreconditionViolation("ENTITLEMENT", subject, f"not in plan {entitlements.plan_id!r}")],
        reason="ENTITLEMENT_REQUIRED",
        metadata={"entitlement": entitlement, "plan": entitlements.plan_id, "plans": ",".join(plans)},
    )


def require_limit(
    entitlements: OrganizationEntitlements | None, organization_id: str, name: str, in_use_after: int
) -> None:
    """Allow a change that leaves `in_use_after` of the limited thing, or raise FAILED_PRECONDITION LIMIT_REACHED
    naming the limit, its value and the plan. Unknown entitlements and limits the plan does not set allow it."""
    if entitlements is None:
        return
    limit = entitlements.limit(name)
    if limit is None or in_use_after <= limit:
        return
    raise FailedPrecondition(
        f"The current plan allows {limit} {name.replace('_', ' ')}; this would make {in_use_after}.",
        [
            PreconditionViolation(
                "LIMIT", f"organizations/{organization_id}/entitlements/limits/{name}", f"at most {limit}"
            )
        ],
        reason="LIMIT_REACHED",
        metadata={"limit": name, "value": str(limit), "plan": entitlements.plan_id},
    )


def _row_values(entitlements: OrganizationEntitlements, now: datetime) -> dict[str, Any]:
    return {
        "plan_id": entitlements.plan_id,
        "active": entitlements.active,
        "features": json.dumps(sorted(entitlements.features)),
        "limits": json.dumps(entitlements.limits, sort_keys=True),
        "modules": json.dumps(sorted(entitlements.modules)),
        "offers": json.dumps({name: list(plans) for name, plans in entitlements.offers.items()}, sort_keys=True),
        "updated_at": now,
    }


async def load_entitlements(
    connection: AsyncConnection, table: Table, organization_id: str, *, for_update: bool = False
) -> OrganizationEntitlements | None:
    statement = select(table).where(table.c.organization_id == organization_id)
    if for_update:
        statement = statement.with_for_update()
    row = (await connection.execute(statement)).first()
    if row is None:
        return None
    return OrganizationEntitlements(
        organization_id=row.organization_id,
        plan_id=row.plan_id,
        active=bool(row.active),
        features=frozenset(json.loads(row.features)),
        limits={name: int(value) for name, value in json.loads(row.limits).items()},
        modules=frozenset(json.loads(row.modules)),
        version=row.version,
        offers={name: tuple(plans) for name, plans in json.loads(row.offers).items()},
    )


class EntitlementProjection:
    """Applies billing's entitlement sets, newest version wins (replays and out-of-order deliveries end right)."""

    def __init__(self, table: Table, clock: Clock | None = None):
        self._table = table
        self._clock = clock or SystemClock()

    def handlers(self) -> dict[str, EventHandler]:
        return {ENTITLEMENTS_CHANGED: self.on_changed}

    async def on_changed(self, connection: AsyncConnection, envelope: envelope_pb2.Envelope) -> None:
        event = unpack(envelope, entitlement_events_pb2.EntitlementsChanged)
        assert isinstance(event, entitlement_events_pb2.EntitlementsChanged)
        entitlements = from_event(event.entitlements)
        await upsert_if_newer(
            connection,
            self._table,
            {"organization_id": entitlements.organization_id},
            _row_values(entitlements, self._clock.now()),
            entitlements.version,
        )


class Entitlements:
    """The checks over a service's projection, each in a read of its own."""

    def __init__(self, db: Database, table: Table):
        self._db = db
        self._table = table

    async def get(self, organization_id: str) -> OrganizationEntitlements | None:
        async with self._db.read() as connection:
            return await load_entitlements(connection, self._table, organization_id)

    async def require(self, organization_id: str, entitlement: str) -> None:
        require(await self.get(organization_id), organization_id, entitlement)

    async def require_limit(self, organization_id: str, name: str, in_use_after: int) -> None:
        require_limit(await self.get(organization_id), organization_id, name, in_use_after)
