"""An organization whose subscription has ended (billing's entitlements say `active: false`): its members lose
access at once. Every session in it ends, API keys stop, and only the people who can pay again (holders of
"billing.manage": Owners and Billing admins) may still sign in, read-only, to export or resubscribe."""

from __future__ import annotations

from datetime import datetime

from services.common.entitlements import OrganizationEntitlements
from services.common.errors import Unauthenticated
from services.common.permissions import (
    ANALYTICS_READ,
    AUDIT_READ,
    BILLING_MANAGE,
    BILLING_READ,
    MEMBERS_READ,
)
from services.identity.domain.events import SessionEnded
from services.identity.domain.ports import IdentityTransaction
from services.identity.domain.sessions import IDENTITY_SYSTEM

# What an Owner or Billing admin keeps in an ended organization: reading (to export) and billing (to resubscribe).
ENDED_ORGANIZATION_PERMISSIONS = frozenset({MEMBERS_READ, BILLING_READ, BILLING_MANAGE, AUDIT_READ, ANALYTICS_READ})
SESSION_END_REASON = "organization_ended"


def has_ended(entitlements: OrganizationEntitlements | None) -> bool:
    """Ended once billing said so; an organization whose entitlements have not arrived yet has not."""
    return entitlements is not None and not entitlements.active


def may_enter_ended(permissions: frozenset[str]) -> bool:
    return BILLING_MANAGE in permissions


def organization_ended_error() -> Unauthenticated:
    return Unauthenticated(
        "This organization's subscription has ended; an Owner or Billing admin can resubscribe.",
        reason="ORGANIZATION_ENDED",
    )


def read_only(permissions: frozenset[str]) -> frozenset[str]:
    return permissions & ENDED_ORGANIZATION_PERMISSIONS


async def end_organization_sessions(tx: IdentityTransaction, organization_id: str, now: datetime) -> int:
    """End every open session in the organization, each with its session.ended (the services' revocation feeds
    refuse the principals minted from them); running it again ends nothing more."""
    ended = await tx.revoke_organization_sessions(organization_id, now)
    if ended:
        await tx.record_events(*(SessionEnded(IDENTITY_SYSTEM, now, session, SESSION_END_REASON) for session in ended))
    return len(ended)
